"""Findings as LSP diagnostics, and the one store that serves both push and pull.

Each diagnostic carries its fixes in `data` (`Fix.to_dict()`, with the document version they
were computed for), so code actions apply exactly what the engine produced.

A push client is sent each analysis's diagnostics built directly as the protocol's JSON
(`to_diagnostic_json`); the protocol objects are built only when something asks for them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property

from lsprotocol import types as lsp

from lambda_leak.lsp.positions import to_lsp_position, to_lsp_range
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


def _json_position(lines: list[str], position, encoding: str) -> dict:
    where = to_lsp_position(lines, position, encoding)
    return {"line": where.line, "character": where.character}


def to_diagnostic_json(finding: Finding, lines: list[str], encoding: str, version: int | None) -> dict:
    """`to_diagnostic` as the JSON the protocol sends, field for field what pygls' converter makes of
    it (a test compares the two), built directly: the converter walks every nested fix field by
    field, which on a long file with dozens of findings costs a millisecond per edit."""
    info = rule_info(finding.rule)
    diagnostic = {
        "range": {"start": _json_position(lines, finding.range.start, encoding),
                  "end": _json_position(lines, finding.range.end, encoding)},
        "message": finding.message,
        "severity": _SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning).value,
        "code": finding.rule,
    }
    if info:
        diagnostic["codeDescription"] = {"href": info.docs_url}
    diagnostic["source"] = SOURCE
    diagnostic["data"] = {"version": version, "fixes": [fix.to_dict() for fix in finding.fixes]}
    return diagnostic


@dataclass
class Entry:
    """The newest analysis of one document."""

    version: int | None
    text: str  # the text that was analysed: fixes and ranges refer to it
    findings: list[Finding]
    result_id: str
    error: str | None = None
    lines: list[str] = field(default_factory=list)
    encoding: str = "utf-16"  # the client's, for the diagnostics' columns

    # Each form of the diagnostics is built when first asked: a push client gets the JSON, a pull
    # client (and the workspace's problems) the protocol objects.
    @cached_property
    def payload(self) -> list[dict]:
        """The diagnostics as the protocol's JSON (`to_diagnostic_json`), sent as they are."""
        return [to_diagnostic_json(f, self.lines, self.encoding, self.version) for f in self.findings]

    @cached_property
    def diagnostics(self) -> list[lsp.Diagnostic]:
        """The same diagnostics as protocol objects."""
        return [to_diagnostic(f, self.lines, self.encoding, self.version) for f in self.findings]


class DiagnosticsStore:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._ids = itertools.count(1)

    def put(self, uri: str, version: int | None, text: str, lines: list[str], findings: list[Finding],
            encoding: str, error: str | None = None) -> Entry:
        previous = self._entries.get(uri)
        if previous is not None and previous.version == version and previous.findings == findings:
            result_id = previous.result_id  # a re-analysis that changed nothing: pull clients skip it
        else:
            result_id = str(next(self._ids))
        entry = Entry(version, text, findings, result_id, error, lines, encoding)
        self._entries[uri] = entry
        return entry

    def get(self, uri: str) -> Entry | None:
        return self._entries.get(uri)

    def remove(self, uri: str) -> None:
        self._entries.pop(uri, None)

    def items(self) -> list[tuple[str, Entry]]:
        return list(self._entries.items())
