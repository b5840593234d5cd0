"""Findings as LSP diagnostics, and the one store that serves both push and pull.

Each diagnostic carries its fixes in `data` (`Fix.to_dict()`, with the document version they
were computed for), so code actions apply exactly what the engine produced.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from lsprotocol import types as lsp

from lambda_leak.lsp.positions import to_lsp_range
from lambda_leak.model import Finding, Severity
from lambda_leak.rules import rule_info

SOURCE = "lambda-leak"
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}


def to_diagnostic(finding: Finding, lines: list[str], encoding: str, version: int | None) -> lsp.Diagnostic:
    info = rule_info(finding.rule)
    return lsp.Diagnostic(
        range=to_lsp_range(lines, finding.range, encoding),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=lsp.CodeDescription(href=info.docs_url) if info else None,
        source=SOURCE,
        data={"version": version, "fixes": [fix.to_dict() for fix in finding.fixes]},
    )


@dataclass
class Entry:
    """The newest analysis of one document."""

    version: int | None
    text: str  # the text that was analysed: fixes and ranges refer to it
    findings: list[Finding]
    diagnostics: list[lsp.Diagnostic]
    result_id: str
    error: str | None = None
    lines: list[str] = field(default_factory=list)


class DiagnosticsStore:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._ids = itertools.count(1)

    def put(self, uri: str, version: int | None, text: str, lines: list[str], findings: list[Finding],
            encoding: str, error: str | None = None) -> Entry:
        diagnostics = [to_diagnostic(f, lines, encoding, version) for f in findings]
        previous = self._entries.get(uri)
        if previous is not None and previous.version == version and previous.findings == findings:
            result_id = previous.result_id  # a re-analysis that changed nothing: pull clients skip it
        else:
            result_id = str(next(self._ids))
        entry = Entry(version, text, findings, diagnostics, result_id, error, lines)
        self._entries[uri] = entry
        return entry

    def get(self, uri: str) -> Entry | None:
        return self._entries.get(uri)

    def remove(self, uri: str) -> None:
        self._entries.pop(uri, None)

    def items(self) -> list[tuple[str, Entry]]:
        return list(self._entries.items())
