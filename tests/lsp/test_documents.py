"""Unit tests (no server): incremental changes in every position encoding keep the text and the
tree-sitter tree in step, so an incremental reparse equals a fresh parse."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp

from lambda_leak.javascript.parser import parse
from lambda_leak.lsp.documents import Document
from lambda_leak.lsp.positions import from_client_column, to_client_column
from lsp_session import lsp_position, units

START = """exports.handler = async (event) => {
  const tag = "🚀 日本語 ✓"; fetch(tag);
  setTimeout(() => console.log("é"), 1);
  return "OK";
};
"""
PIECES = ["", "x", "🚀", "日本", "é", "\n", "await ", "fetch('u');", "});", "  ", "\r\n"]


def shape(tree) -> list:
    out, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        out.append((node.type, node.start_byte, node.end_byte, node.start_point, node.end_point))
        stack.extend(node.children)
    return out


@settings(max_examples=60, deadline=None)
@given(encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]),
       edits=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 60), st.integers(0, 4), st.sampled_from(PIECES)),
                      min_size=1, max_size=12))
def test_incremental_edits_match_a_fresh_parse(encoding, edits):
    document = Document("file:///h.js", "/h.js", 1, START, parse(START.encode(), "javascript"))
    expected = START
    for line, col, length, new_text in edits:
        lines = expected.split("\n")
        line = min(line, len(lines) - 1)
        content = lines[line].rstrip("\r")
        col = min(col, len(content))
        end = min(col + length, len(content))
        start_index = sum(len(l) + 1 for l in lines[:line]) + col
        expected = expected[:start_index] + new_text + expected[start_index + end - col:]
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp_position("\n".join(lines), line, col, encoding), lsp_position("\n".join(lines), line, end, encoding)),
            text=new_text)
        document.apply(change, encoding)
        assert document.text == expected
        assert document.lines == expected.split("\n")  # the lines `apply` spliced stay those of the text
        assert document.tree is not None
        reparsed = parse(expected.encode(), "javascript", document.tree)
        assert shape(reparsed) == shape(parse(expected.encode(), "javascript"))
        document.tree = reparsed


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 30), st.integers(0, 8), st.integers(0, 30),
                                st.sampled_from(PIECES)), min_size=1, max_size=8))
def test_lines_follow_edits_across_lines(edits):
    """Ranges spanning lines, reversed or past the end: `lines` is always the text's own split."""
    document = Document("file:///h.js", "/h.js", 1, START)
    for start_line, start_col, end_line, end_col, new_text in edits:
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(start_line, start_col), lsp.Position(end_line, end_col)), text=new_text)
        document.apply(change, "utf-32")
        assert document.lines == document.text.split("\n")


@given(text=st.text(alphabet=st.sampled_from("ab 🚀日é\t"), max_size=20), column=st.integers(0, 25),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_columns_round_trip(text, column, encoding):
    column = min(column, len(text))
    client = to_client_column(text, column, encoding)
    assert client == units(text, column, encoding)
    assert from_client_column(text, client, encoding) == column


def test_a_column_inside_a_character_rounds_down():
    assert from_client_column("a🚀b", 2, "utf-16") == 1  # between the surrogates
    assert from_client_column("a🚀b", 3, "utf-8") == 1  # inside the 4 bytes
    assert from_client_column("ab\r", 10, "utf-16") == 2  # past the end: before the "\r"
