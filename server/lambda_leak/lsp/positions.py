"""Columns between the engine's code points and the client's negotiated position encoding.

The engine counts columns in Unicode code points (utf-32). LSP clients count in utf-16 code
units (the default), utf-8 bytes or code points, whichever was negotiated at initialize.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from lambda_leak.model import Position, Range

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def split_lines(text: str) -> list[str]:
    """Lines as LSP and tree-sitter number them (a trailing "\\r" stays on its line)."""
    return text.split("\n")


def to_client_column(line: str, column: int, encoding: str) -> int:
    """A code-point column on `line` in the client's units."""
    prefix = line[:column]
    if encoding == UTF32 or prefix.isascii():
        return len(prefix)
    if encoding == UTF8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def from_client_column(line: str, units: int, encoding: str) -> int:
    """A client column on `line` as code points, clamped to the line (before a trailing "\\r")."""
    content = line[:-1] if line.endswith("\r") else line
    units = max(units, 0)
    if encoding == UTF32 or content.isascii():
        return min(units, len(content))
    if encoding == UTF8:
        data = content.encode("utf-8", "surrogatepass")
        # A column inside a multi-byte character rounds down to that character's start.
        return len(data[:units].decode("utf-8", "ignore"))
    counted = 0
    for index, ch in enumerate(content):
        counted += 2 if ord(ch) > 0xFFFF else 1
        if counted > units:
            return index
    return len(content)


def to_lsp_position(lines: list[str], position: Position, encoding: str) -> lsp.Position:
    line = min(max(position.line, 0), len(lines) - 1) if lines else 0
    text = lines[line] if lines else ""
    return lsp.Position(line=line, character=to_client_column(text, position.column, encoding))


def to_lsp_range(lines: list[str], range_: Range, encoding: str) -> lsp.Range:
    return lsp.Range(
        start=to_lsp_position(lines, range_.start, encoding),
        end=to_lsp_position(lines, range_.end, encoding),
    )


def from_lsp_position(lines: list[str], position: lsp.Position, encoding: str) -> Position:
    """A client position as an engine position, clamped into the text."""
    if position.line < 0:
        return Position(0, 0)
    if position.line >= len(lines):
        last = len(lines) - 1
        return Position(last, len(lines[last]))
    return Position(position.line, from_client_column(lines[position.line], position.character, encoding))


def negotiated(encoding: object) -> str:
    value = getattr(encoding, "value", encoding)
    return value if value in (UTF8, UTF16, UTF32) else UTF16
