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
        summary = summary_lines(findings)
        stream.write("".join(f"{_DIM}{line}{_RESET}\n" if colour else f"{line}\n" for line in summary))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary_lines(findings: list[Finding]) -> list[str]:
    """`Found 3 leaks and 1 hint.` then what `[*]` means and how many fixes wait for --unsafe-fixes.
    Hints (rules such as require-await) are advice, not leaks: counted apart."""
    hints = sum(1 for f in findings if f.severity.value == "hint")
    leaks = len(findings) - hints
    counts = [_plural(leaks, "leak")] if leaks or not hints else []
    counts += [_plural(hints, "hint")] if hints else []
    lines = [f"Found {' and '.join(counts)}."]
    safe = sum(1 for f in findings if any(fix.safe for fix in f.fixes))
    unsafe_only = sum(1 for f in findings if f.fixes and not any(fix.safe for fix in f.fixes))
    if safe:
        lines.append(f"[*] {safe} fixable with --fix.")
    if unsafe_only:
        lines.append(f"{unsafe_only} more with --fix --unsafe-fixes (review those changes).")
    return lines
