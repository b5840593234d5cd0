"""GitHub Actions workflow commands: findings become annotations on the pull request."""

from __future__ import annotations

from typing import TextIO

from lambda_leak.model import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], stream: TextIO) -> None:
    for f in findings:
        properties = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.range.start.line + 1}",
                f"col={f.range.start.column + 1}",
                f"endLine={f.range.end.line + 1}",
                f"endColumn={f.range.end.column + 1}",
                f"title={_escape_property('lambda-leak ' + f.rule)}",
            ]
        )
        stream.write(f"::{_LEVEL[f.severity.value]} {properties}::{_escape_data(f.rule + ': ' + f.message)}\n")
