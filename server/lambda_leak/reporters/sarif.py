"""SARIF 2.1.0 that GitHub code scanning ingests in full (checked with Microsoft's SARIF
validator under its GitHub rules): rule help from docs/rules, code snippets, paths relative to
%SRCROOT%, fingerprints that survive line moves, and the safe fixes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TextIO

from lambda_leak import __version__
from lambda_leak.model import FileProblem, Finding, Range
from lambda_leak.reporters.sources import Sources, fingerprints
from lambda_leak.rule_pages import doc_sections, rule_doc
from lambda_leak.rules import RuleInfo, all_rules

SRCROOT = "%SRCROOT%"
FINGERPRINT = "lambdaLeakFindingHash/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation", "hint": "recommendation"}
_CONTEXT_LINES = 2


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _plain(markdown: str) -> str:
    return markdown.replace("**", "")


def _unwrapped(paragraphs: str) -> str:
    return re.sub(r"(?<!\n)\n(?!\n)", " ", paragraphs)


def _friendly_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _descriptor(rule_id: str, variants: list[RuleInfo]) -> dict:
    """One reportingDescriptor per id (timer-leak has a JavaScript and a Python variant)."""
    rule = variants[0]
    doc = rule_doc(rule_id) or f"# {rule_id}\n\n{_sentence(rule.summary)}\n"
    finds = doc_sections(doc).get("What it finds") or _sentence(rule.summary)
    languages = sorted({language.lower() for variant in variants for language in variant.languages})
    return {
        "id": rule_id,
        "name": _friendly_name(rule_id),
        "shortDescription": {"text": _sentence(rule.summary)},
        "fullDescription": {"text": _unwrapped(_plain(finds)), "markdown": finds},
        "help": {"text": _plain(doc), "markdown": doc},
        "helpUri": rule.docs_url,
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value], "enabled": rule.default_enabled},
        "properties": {
            # reliability, not security: no security-severity, so code scanning files them as code quality alerts
            "tags": ["aws-lambda", "reliability", "correctness", *languages],
            "precision": "high" if rule.default_enabled else "medium",
            "problem.severity": _PROBLEM_SEVERITY[rule.severity.value],
        },
    }


def _region(range_: Range) -> dict:
    return {
        "startLine": range_.start.line + 1,
        "startColumn": range_.start.column + 1,
        "endLine": range_.end.line + 1,
        "endColumn": range_.end.column + 1,
    }


def _artifact(path: str, sources: Sources) -> dict:
    relative = sources.relative(path)
    if relative is not None:
        return {"uri": relative, "uriBaseId": SRCROOT}
    return {"uri": Path(path).resolve().as_uri()}


def _physical_location(finding: Finding, sources: Sources) -> dict:
    location = {"artifactLocation": _artifact(finding.path, sources), "region": _region(finding.range)}
    lines = sources.lines(finding.path)
    start, end = finding.range.start, finding.range.end
    if lines is None or end.line >= len(lines):  # stdin, or a file changed since it was checked
        return location
    if start.line == end.line:
        flagged = lines[start.line][start.column:end.column]
    else:
        flagged = "\n".join([lines[start.line][start.column:], *lines[start.line + 1:end.line], lines[end.line][:end.column]])
    if flagged.strip():
        location["region"]["snippet"] = {"text": flagged}
    first, last = max(0, start.line - _CONTEXT_LINES), min(len(lines) - 1, end.line + _CONTEXT_LINES)
    location["contextRegion"] = {
        "startLine": first + 1,
        "endLine": last + 1,
        "snippet": {"text": "\n".join(lines[first:last + 1]) + "\n"},
    }
    return location


def _fixes(finding: Finding, sources: Sources) -> list[dict]:
    """Only safe fixes: code scanning offers them as suggestions, with no chance to read a caveat."""
    return [
        {
            "description": {"text": _sentence(fix.title)},
            "artifactChanges": [
                {
                    "artifactLocation": _artifact(finding.path, sources),
                    "replacements": [
                        {"deletedRegion": _region(edit.range), "insertedContent": {"text": edit.new_text}}
                        for edit in fix.edits
                    ],
                }
            ],
        }
        for fix in finding.fixes
        if fix.safe
    ]


def _provenance() -> list[dict]:
    """Which commit was analysed, when the report is made in GitHub Actions."""
    repository, revision = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_SHA")
    if not (repository and revision):
        return []
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    provenance = {"repositoryUri": f"{server}/{repository}", "revisionId": revision, "mappedTo": {"uriBaseId": SRCROOT}}
    if os.environ.get("GITHUB_REF"):
        provenance["branch"] = os.environ["GITHUB_REF"]
    return [provenance]


def _invocation(problems: list[FileProblem], sources: Sources) -> dict:
    """The run succeeded (its findings are complete for every other file); each file it could not
    analyse, or only in part, is a warning notification that code scanning lists with the run."""
    notifications = [
        {
            "level": "warning",
            "message": {"text": _sentence(problem.message)},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(problem.path, sources)}}],
        }
        for problem in problems
    ]
    invocation: dict = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def render(findings: list[Finding], stream: TextIO, *, automation_id: str | None = None,
           problems: list[FileProblem] = ()) -> None:
    """`automation_id` names the run's category (`lambda-leak/shard-1-of-4/`): code scanning keeps
    one analysis per category, so the shards of a CI matrix add up instead of replacing each other.
    `problems`: the files that could not be analysed, or only in part."""
    variants: dict[str, list[RuleInfo]] = {}
    for rule in all_rules():
        variants.setdefault(rule.id, []).append(rule)
    ids = sorted(variants)
    sources = Sources()
    results = []
    for finding, fingerprint in zip(findings, fingerprints(findings, sources)):
        result = {
            "ruleId": finding.rule,
            "level": _LEVEL[finding.severity.value],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": _physical_location(finding, sources)}],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        if finding.rule in variants:
            result["ruleIndex"] = ids.index(finding.rule)
        fixes = _fixes(finding, sources)
        if fixes:
            result["fixes"] = fixes
        results.append(result)
    run = {
        "tool": {
            "driver": {
                "name": "lambda-leak",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/lambda-leak/lambda-leak",
                "rules": [_descriptor(rule_id, variants[rule_id]) for rule_id in ids],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(list(problems), sources)],
        "results": results,
    }
    provenance = _provenance()
    paths = [f.path for f in findings] + [p.path for p in problems]
    if provenance and all(sources.relative(path) is not None for path in paths):  # it maps %SRCROOT% only
        run["versionControlProvenance"] = provenance
    if automation_id:
        run["automationDetails"] = {"id": automation_id}
    document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
