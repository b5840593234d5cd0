"""Source text with cheap conversions between byte offsets, tree-sitter points and positions."""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from lambda_leak.model import Position, Range

LANGUAGE_BY_SUFFIX = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".py": "python",
}


def language_for(path: str) -> str | None:
    """The dialect a path is analysed as, or None for files lambda-leak does not read."""
    name = os.path.basename(path)  # strings, not PurePath: this runs for every file of a walk
    if name.endswith((".d.ts", ".d.mts", ".d.cts")):
        return None
    dot = name.rfind(".")
    return LANGUAGE_BY_SUFFIX.get(name[dot:].lower()) if dot > 0 else None


_NEWLINE = re.compile(b"\n")


@dataclass
class SourceText:
    path: str
    text: str
    language: str
    data: bytes = field(init=False, repr=False)
    _ascii: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.data = self.text.encode("utf-8", "surrogatepass")
        self._ascii = len(self.data) == len(self.text)

    @cached_property
    def _line_starts(self) -> list[int]:
        """Byte offset of each line; built on first use (most files of a run never report)."""
        return [0, *(match.end() for match in _NEWLINE.finditer(self.data))]

    def carry_line_starts(self, previous: list[int], old: tuple[int, int], new: tuple[int, int]) -> None:
        """Line starts from the previous version's `previous`, when its bytes `old` became this
        version's `new` and nothing else changed (the language server knows the edit): the starts up
        to the edit stay, those after it move by the change in length, and only the new bytes are
        searched (searching a large file is a sizeable part of an edit's analysis)."""
        first, last, delta = bisect_right(previous, old[0]), bisect_right(previous, old[1]), new[1] - old[1]
        edited = [match.end() for match in _NEWLINE.finditer(self.data, *new)]
        self.__dict__["_line_starts"] = [*previous[:first], *edited, *[start + delta for start in previous[last:]]]

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_text(self, line: int) -> str:
        start = self._line_starts[line]
        end = self._line_starts[line + 1] - 1 if line + 1 < len(self._line_starts) else len(self.data)
        return self.data[start:end].decode("utf-8", "replace").rstrip("\r")

    def point(self, byte_offset: int) -> tuple[int, int]:
        """tree-sitter's point of a byte offset: (line, column in bytes)."""
        line = bisect_right(self._line_starts, byte_offset) - 1
        return line, byte_offset - self._line_starts[line]

    def position(self, byte_offset: int) -> Position:
        line, column = self.point(byte_offset)
        if not self._ascii:
            column = len(self.data[self._line_starts[line] : byte_offset].decode("utf-8", "replace"))
        return Position(line, column)

    def point_position(self, point: tuple[int, int]) -> Position:
        """A tree-sitter (row, byte column) point as a code-point position."""
        row, byte_col = point
        if self._ascii:
            return Position(row, byte_col)
        start = self._line_starts[row]
        return Position(row, len(self.data[start : start + byte_col].decode("utf-8", "replace")))

    def offset(self, position: Position) -> int:
        """Byte offset of a code-point position (clamped to the line)."""
        if position.line >= len(self._line_starts):
            return len(self.data)
        start = self._line_starts[position.line]
        if self._ascii:
            end = self._line_starts[position.line + 1] if position.line + 1 < len(self._line_starts) else len(self.data)
            return min(start + position.column, end)
        return start + len(self.line_text(position.line)[: position.column].encode("utf-8", "surrogatepass"))

    def node_range(self, node) -> Range:
        return Range(self.point_position(node.start_point), self.point_position(node.end_point))

    def node_text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def slice(self, start_byte: int, end_byte: int) -> str:
        return self.data[start_byte:end_byte].decode("utf-8", "replace")

    def range_of_bytes(self, start_byte: int, end_byte: int) -> Range:
        return Range(self.position(start_byte), self.position(end_byte))

    def indent_of_line(self, line: int) -> str:
        text = self.line_text(line)
        return text[: len(text) - len(text.lstrip(" \t"))]
