"""Analysing a Python file that does not fully parse, as far as it does.

Python's parser stops at the first error, so the analyser blanks the top-level statement
(function, class, decorated definition, or simple statement) holding the error and parses
again, until the rest parses or too many statements are broken. Blanked lines stay as empty
lines: every position in the remaining code is unchanged, so findings (and their fixes) point
at the real text.
"""

from __future__ import annotations

import ast

MAX_BLANKED = 8  # broken statements blanked before giving up
MAX_SIZE = 1024 * 1024  # characters: larger broken files are reported, not re-parsed 9 times
# Lines at column 0 that continue the statement above them rather than start one.
_CONTINUATIONS = ("else", "elif", "except", "finally", ")", "]", "}", "#")


def _starts_statement(line: str) -> bool:
    if not line or line[0] in " \t":
        return False
    word = line.split(":", 1)[0].split("(", 1)[0].strip()
    return not line.startswith(_CONTINUATIONS) and word not in ("else", "elif", "except", "finally")


def _error_line(text: str) -> int | None:
    """0-based line of the first syntax error, or None when `text` parses."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return max((error.lineno or 1) - 1, 0)
    except (ValueError, RecursionError, MemoryError):
        return 0
    return None


def _blank_statement(lines: list[str], broken: int) -> bool:
    """Blank the top-level statement around line `broken`; False if there is nothing to blank."""
    broken = min(broken, len(lines) - 1)
    start = broken
    while start > 0 and not _starts_statement(lines[start]):
        start -= 1
    while start > 0 and lines[start - 1].startswith("@"):  # its decorators go with it
        start -= 1
    end = broken + 1
    while end < len(lines) and not _starts_statement(lines[end]):
        end += 1
    if all(not line.strip() for line in lines[start:end]):
        return False
    lines[start:end] = [""] * (end - start)
    return True


def parsable_part(text: str) -> tuple[str, int] | None:
    """The text with its broken top-level statements blanked, and how many were blanked;
    None when nothing useful is left (or the file is too large to re-parse several times)."""
    if len(text) > MAX_SIZE:
        return None
    lines = text.split("\n")
    broken = _error_line(text)
    for blanked in range(1, MAX_BLANKED + 1):
        if broken is None or not _blank_statement(lines, broken):
            return None
        remaining = "\n".join(lines)
        broken = _error_line(remaining)
        if broken is None:
            return (remaining, blanked) if remaining.strip() else None
    return None
