"""`path:line:col: rule message`, coloured when writing to a terminal."""

from __future__ import annotations

import os
from typing import TextIO

from lambda_leak.model import Finding

_RESET, _BOLD, _DIM, _RED, _YELLOW, _CYAN = "\033[0m", "\033[1m", "\033[2m", "\033[31m", "\033[33m", "\033[36m"


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def render(findings: list[Finding], stream: TextIO) -> None:
    colour = _colour(stream)
    for f in findings:
        where = f"{f.path}:{f.range.start.line + 1}:{f.range.start.column + 1}:"
        fixable = " [*]" if any(fix.safe for fix in f.fixes) else ""
        if colour:
            tint = _RED if f.severity.value == "error" else _YELLOW
            stream.write(f"{_BOLD}{where}{_RESET} {tint}{f.rule}{_RESET}{_CYAN}{fixable}{_RESET} {f.message}\n")
        else:
            stream.write(f"{where} {f.rule}{fixable} {f.message}\n")
    if findings:
        fixable_count = sum(1 for f in findings if any(fix.safe for fix in f.fixes))
        summary = f"Found {len(findings)} leak{'s' if len(findings) != 1 else ''}"
        if fixable_count:
            summary += f" ({fixable_count} fixable with --fix)"
        stream.write((f"{_DIM}{summary}.{_RESET}\n") if colour else f"{summary}.\n")
