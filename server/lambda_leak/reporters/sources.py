"""What CI reports need beyond a finding: its path relative to the repository root, the code it
points at, and a fingerprint that follows the leak, not its line number."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from lambda_leak.config import DEFAULT_MAX_FILE_SIZE
from lambda_leak.files import UnreadableFile, read_source, relative_path
from lambda_leak.model import Finding
_SPACE = re.compile(r"\s+")


class Sources:
    """The reported files' decoded lines (what findings' positions count in), each read once per report."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}
        self._relative: dict[str, str | None] = {}

    def relative(self, path: str) -> str | None:
        """`path` relative to the working folder (the repository root in CI), None outside it."""
        if path not in self._relative:
            self._relative[path] = relative_path(path)
        return self._relative[path]

    def lines(self, path: str) -> list[str] | None:
        """None for stdin and for files that cannot be read again (or are over the default size limit)."""
        if path not in self._lines:
            try:
                text = read_source(Path(path), DEFAULT_MAX_FILE_SIZE).text if path not in ("", "-") else None
            except UnreadableFile:
                text = None
            self._lines[path] = text.split("\n") if text is not None else None
        return self._lines[path]

    def flagged_code(self, finding: Finding) -> str | None:
        """The text of the lines the finding covers, whitespace-collapsed (so re-indenting keeps it)."""
        lines = self.lines(finding.path)
        if lines is None:
            return None
        start, end = finding.range.start.line, min(finding.range.end.line, finding.range.start.line + 4)
        return _SPACE.sub(" ", " ".join(lines[start:end + 1])).strip()


def fingerprints(findings: list[Finding], sources: Sources) -> list[str]:
    """One fingerprint per finding: rule, file and flagged code, plus which occurrence of that
    triple it is in the file. Moving the code up or down (an unrelated edit above it) keeps it."""
    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        where = sources.relative(finding.path) or finding.path
        code = sources.flagged_code(finding)
        if code is None:
            code = finding.message
        digest = hashlib.sha256("\0".join((finding.rule, where, code)).encode("utf-8")).hexdigest()[:32]
        seen[digest] += 1
        out.append(f"{digest}:{seen[digest]}")
    return out
