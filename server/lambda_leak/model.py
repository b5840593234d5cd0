"""The data every part of lambda-leak speaks: positions, edits, fixes and findings.

Positions are 0-based lines and 0-based columns counted in Unicode code points (Python
`str` indices). Output layers convert: the CLI to 1-based, the language server to the
client's negotiated encoding.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True, order=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    def contains_line(self, line: int) -> bool:
        return self.start.line <= line <= self.end.line


@dataclass(frozen=True)
class TextEdit:
    range: Range
    new_text: str

    def to_dict(self) -> dict:
        return {
            "line": self.range.start.line + 1,
            "column": self.range.start.column + 1,
            "end_line": self.range.end.line + 1,
            "end_column": self.range.end.column + 1,
            "new_text": self.new_text,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "TextEdit":
        return cls(
            Range(
                Position(data["line"] - 1, data["column"] - 1),
                Position(data["end_line"] - 1, data["end_column"] - 1),
            ),
            data["new_text"],
        )


@dataclass(frozen=True)
class Fix:
    """A fix is computed together with its finding and carried as data to every client."""

    title: str
    safe: bool
    edits: tuple[TextEdit, ...]

    def to_dict(self) -> dict:
        return {"title": self.title, "safe": self.safe, "edits": [e.to_dict() for e in self.edits]}

    @classmethod
    def from_dict(cls, data: dict) -> "Fix":
        return cls(data["title"], bool(data["safe"]), tuple(TextEdit.from_dict(e) for e in data["edits"]))


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    range: Range
    severity: Severity = Severity.WARNING
    fixes: tuple[Fix, ...] = ()
    path: str = ""
    # The function's runtime decided the severity (it fails there): configured severities don't change it.
    runtime_severity: bool = False

    def to_dict(self) -> dict:
        """The CLI's JSON contract: 1-based lines and columns."""
        return {
            "path": self.path,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "line": self.range.start.line + 1,
            "column": self.range.start.column + 1,
            "end_line": self.range.end.line + 1,
            "end_column": self.range.end.column + 1,
            "fixes": [f.to_dict() for f in self.fixes],
        }


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be analysed, or only in part (binary, not UTF-8, too large,
    unreadable, a syntax error): CI reports show it beside the findings."""

    path: str
    message: str


@dataclass
class FileReport:
    """What analysing one file produced: findings, or a clear reason it was skipped."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    language: str | None = None
    # The parse tree the findings came from; the language server keeps it to reparse incrementally.
    syntax_tree: object | None = field(default=None, repr=False, compare=False)
