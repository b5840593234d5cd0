"""TextEdits from tree-sitter nodes and byte offsets."""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.model import TextEdit
from lambda_leak.source import SourceText


def insert(source: SourceText, byte_offset: int, new_text: str) -> TextEdit:
    return TextEdit(source.range_of_bytes(byte_offset, byte_offset), new_text)


def replace(source: SourceText, node: Node, new_text: str) -> TextEdit:
    return TextEdit(source.node_range(node), new_text)


def replace_bytes(source: SourceText, start: int, end: int, new_text: str) -> TextEdit:
    return TextEdit(source.range_of_bytes(start, end), new_text)


def indent_at(source: SourceText, node: Node) -> str:
    return source.indent_of_line(node.start_point[0])


def indent_unit(source: SourceText) -> str:
    """The file's indentation step (two spaces unless the file says otherwise)."""
    for line in source.text.split("\n", 200)[:200]:
        stripped = line.lstrip(" \t")
        if stripped and line != stripped:
            lead = line[: len(line) - len(stripped)]
            return "\t" if lead.startswith("\t") else " " * min(len(lead), 4)
    return "  "
