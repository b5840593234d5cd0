"""Open documents: their text, version, and the syntax tree kept in step for incremental reparsing.

Changes are applied here (not in pygls' workspace) because each one must also be replayed on
the document's tree-sitter tree as `tree.edit(...)`, in bytes and (row, byte column) points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from lambda_leak.lsp.positions import from_lsp_position, split_lines
from lambda_leak.source import language_for

# For documents without a telling file name (untitled buffers), the client's language id.
_SUFFIX_BY_LANGUAGE_ID = {
    "javascript": ".js",
    "javascriptreact": ".jsx",
    "typescript": ".ts",
    "typescriptreact": ".tsx",
    "python": ".py",
}


def path_for(uri: str, language_id: str = "") -> str:
    path = to_fs_path(uri) or uri
    if language_for(path) is None and language_id in _SUFFIX_BY_LANGUAGE_ID:
        path += _SUFFIX_BY_LANGUAGE_ID[language_id]
    return path


@dataclass
class Document:
    uri: str
    path: str
    version: int
    text: str
    # The tree for `text`: replaced by each analysis of the newest version and edited in place
    # on every change, so it is always a valid `previous_tree` for the current text.
    tree: Any = None
    # The call graph of the text `tree` was parsed from (a `javascript.incremental.CallGraph`): the
    # next analysis re-uses the edges an edit cannot change.
    call_graph: Any = None
    # While the newest analysed version has a syntax error (a statement being typed, for a few
    # keystrokes), the last error-free version's tree (edited in step like `tree`) and call graph:
    # a graph of broken text is never re-used, so the first version that parses again starts from these.
    good_tree: Any = None
    good_graph: Any = None

    # `lines` of the text they were split from (kept in step by `apply`, which splices in the edited
    # lines, so a one-line edit of a long file never splits or scans the whole text again).
    _lines: tuple[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        cached = self._lines
        if cached is None or cached[0] is not self.text:
            cached = self._lines = (self.text, split_lines(self.text))
        return cached[1]

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text[:4096] else "\n"

    def previous_analysis(self) -> tuple[Any, Any]:
        """The tree (a copy, which the analysis parses from) and the call graph the next analysis of
        this document starts from: the last error-free version's while the newest has an error."""
        if self.good_tree is not None:
            return self.good_tree.copy(), self.good_graph
        previous = self.tree.copy() if self.tree is not None else None
        return previous, self.call_graph if previous is not None else None

    def analysed(self, tree: Any) -> None:
        """`tree` is the analysis of the current text: the next one starts from it (its call graph
        is set once captured), or, when it has a syntax error, from the last error-free version."""
        if not tree.root_node.has_error:
            self.good_tree = self.good_graph = None
        elif self.good_tree is None and self.tree is not None and self.call_graph is not None \
                and not self.call_graph.tree.root_node.has_error:
            self.good_tree, self.good_graph = self.tree, self.call_graph  # `tree` as edited up to this text
        self.tree = tree.copy()  # the document's own copy: edited as the user types
        self.call_graph = None

    def apply(self, change: Any, encoding: str) -> None:
        if not isinstance(change, lsp.TextDocumentContentChangePartial):
            self.text = change.text
            self.tree = self.good_tree = None
            self.call_graph = self.good_graph = None
            return
        lines = self.lines
        start = from_lsp_position(lines, change.range.start, encoding)
        end = from_lsp_position(lines, change.range.end, encoding)
        if end < start:
            start, end = end, start
        start_index = _index(lines, start.line) + start.column
        end_index = _index(lines, end.line) + end.column
        old_text = self.text
        self.text = old_text[:start_index] + change.text + old_text[end_index:]
        edited = split_lines(lines[start.line][: start.column] + change.text + lines[end.line][end.column :])
        self._lines = (self.text, [*lines[: start.line], *edited, *lines[end.line + 1 :]])
        if self.tree is not None or self.good_tree is not None:
            self._edit_trees(lines, start, end, old_text, start_index, end_index, change.text)

    def _edit_trees(self, lines, start, end, old_text, start_index, end_index, new_text) -> None:
        def byte_len(s: str) -> int:
            return len(s.encode("utf-8", "surrogatepass"))

        start_col = byte_len(lines[start.line][: start.column])
        end_col = byte_len(lines[end.line][: end.column])
        start_byte = byte_len(old_text[:start_index]) if not old_text.isascii() else start_index
        old_end_byte = start_byte + byte_len(old_text[start_index:end_index])
        inserted = byte_len(new_text)
        if "\n" in new_text:
            last = new_text.rsplit("\n", 1)[1]
            new_end_point = (start.line + new_text.count("\n"), byte_len(last))
        else:
            new_end_point = (start.line, start_col + inserted)
        edit = dict(start_byte=start_byte, old_end_byte=old_end_byte, new_end_byte=start_byte + inserted,
                    start_point=(start.line, start_col), old_end_point=(end.line, end_col), new_end_point=new_end_point)
        try:
            if self.tree is not None:
                self.tree.edit(**edit)
        except Exception:  # noqa: BLE001 - an unusable tree only costs a full reparse
            self.tree = None
        try:
            if self.good_tree is not None:
                self.good_tree.edit(**edit)
        except Exception:  # noqa: BLE001 - the same
            self.good_tree = self.good_graph = None


def _index(lines: list[str], line: int) -> int:
    """The code-point index where `line` starts."""
    return sum(map(len, lines[:line])) + line


class Documents:
    def __init__(self) -> None:
        self._open: dict[str, Document] = {}

    def open(self, item: lsp.TextDocumentItem) -> Document:
        document = Document(item.uri, path_for(item.uri, item.language_id), item.version, item.text)
        self._open[item.uri] = document
        return document

    def change(self, params: lsp.DidChangeTextDocumentParams, encoding: str) -> Document | None:
        document = self._open.get(params.text_document.uri)
        if document is None:
            return None
        for change in params.content_changes:
            document.apply(change, encoding)
        document.version = params.text_document.version
        return document

    def close(self, uri: str) -> Document | None:
        return self._open.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._open.get(uri)

    def __iter__(self):
        return iter(list(self._open.values()))
