"""GitLab Code Quality JSON (`artifacts: reports: codequality`): merge requests show the leaks
that a change adds or fixes, matched across pipelines by fingerprint."""

from __future__ import annotations

import hashlib
import json
from typing import TextIO

from lambda_leak.model import Finding
from lambda_leak.reporters.sources import Sources, fingerprints

_SEVERITY = {"error": "critical", "warning": "major", "info": "minor", "hint": "info"}


def render(findings: list[Finding], stream: TextIO) -> None:
    sources = Sources()
    issues = [
        {
            "type": "issue",
            "engine_name": "lambda-leak",
            "check_name": f.rule,
            "description": f"{f.rule}: {f.message}",
            "categories": ["Bug Risk"],
            "severity": _SEVERITY[f.severity.value],
            "fingerprint": hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:32],
            "location": {
                "path": sources.relative(f.path) or f.path,
                "lines": {"begin": f.range.start.line + 1, "end": f.range.end.line + 1},
            },
        }
        for f, fingerprint in zip(findings, fingerprints(findings, sources))
    ]
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
