"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from lambda_leak import __version__
from lambda_leak.model import Finding
from lambda_leak.rules import all_rules

_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def _uri(path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_uri()
    return candidate.as_posix()


def render(findings: list[Finding], stream: TextIO) -> None:
    rules = {rule.id: rule for rule in all_rules()}  # one descriptor per id (timer-leak spans languages)
    ids = sorted(rules)
    results = []
    for f in findings:
        result = {
            "ruleId": f.rule,
            "ruleIndex": ids.index(f.rule) if f.rule in rules else 0,
            "level": _LEVEL[f.severity.value],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {
                            "startLine": f.range.start.line + 1,
                            "startColumn": f.range.start.column + 1,
                            "endLine": f.range.end.line + 1,
                            "endColumn": f.range.end.column + 1,
                        },
                    }
                }
            ],
        }
        if f.fixes:
            result["fixes"] = [
                {
                    "description": {"text": fix.title},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": e.range.start.line + 1,
                                        "startColumn": e.range.start.column + 1,
                                        "endLine": e.range.end.line + 1,
                                        "endColumn": e.range.end.column + 1,
                                    },
                                    "insertedContent": {"text": e.new_text},
                                }
                                for e in fix.edits
                            ],
                        }
                    ],
                }
                for fix in f.fixes
            ]
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lambda-leak",
                        "version": __version__,
                        "informationUri": "https://github.com/lambda-leak/lambda-leak",
                        "rules": [
                            {
                                "id": rule_id,
                                "shortDescription": {"text": rules[rule_id].summary},
                                "helpUri": rules[rule_id].docs_url,
                                "defaultConfiguration": {"level": _LEVEL[rules[rule_id].severity.value]},
                            }
                            for rule_id in ids
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
