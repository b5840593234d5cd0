"""tree-sitter grammars for JavaScript (with JSX), TypeScript and TSX."""

from __future__ import annotations

import threading

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from lambda_leak.source import SourceText

LANGUAGES = {
    "javascript": Language(tree_sitter_javascript.language()),
    "typescript": Language(tree_sitter_typescript.language_typescript()),
    "tsx": Language(tree_sitter_typescript.language_tsx()),
}
_local = threading.local()  # a Parser is not thread-safe; the language server analyses off-loop


def _parser(language: str) -> Parser:
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    if language not in parsers:
        parsers[language] = Parser(LANGUAGES[language])
    return parsers[language]


# A check's worker reads a CDK stack's deployment facts, then summarises and analyses the same file:
# while on (see `share_parses`), a tree parsed with `keep=True` is handed to the next parse of the
# same bytes instead of parsing them again. Off elsewhere: the language server edits its trees.
_shared: dict[tuple[str, bytes], Tree] | None = None


def share_parses(on: bool) -> None:
    """Start (or end, dropping what was kept) the hand-over of kept trees in this process."""
    global _shared
    _shared = {} if on else None


def parse(data: bytes, language: str, previous_tree: Tree | None = None, keep: bool = False) -> Tree:
    """`keep`: the caller is done with the tree but the same bytes may be parsed again soon."""
    if previous_tree is not None:
        return _parser(language).parse(data, previous_tree)
    shared = _shared
    if shared is not None:
        tree = shared.pop((language, data), None)
        if tree is None:
            tree = _parser(language).parse(data)
            if keep:
                shared[language, data] = tree
        return tree
    return _parser(language).parse(data)


def syntax_ok(text: str, language: str) -> bool:
    return not parse(text.encode("utf-8", "surrogatepass"), language).root_node.has_error


def parses_replaced(tree: Tree, source: SourceText, start: int, end: int, new: str) -> bool:
    """Does `source` (which `tree` is the parse of) still parse with bytes `start:end` replaced by
    `new`? What a fix asks before it is offered. Parsed from a copy of `tree`, re-using what the
    replacement leaves untouched: one fix no longer costs a parse of the whole file (~20 ms for
    3,600 lines, at each edit in the editor). An error is confirmed by a parse afresh: tree-sitter's
    error recovery can differ when it re-uses the old tree's subtrees."""
    inserted = new.encode("utf-8", "surrogatepass")
    result = source.data[:start] + inserted + source.data[end:]
    row, column = source.point(start)
    lines = inserted.count(b"\n")
    new_end = (row + lines, len(inserted) - inserted.rfind(b"\n") - 1 if lines else column + len(inserted))
    edited = tree.copy()
    edited.edit(start_byte=start, old_end_byte=end, new_end_byte=start + len(inserted),
                start_point=(row, column), old_end_point=source.point(end), new_end_point=new_end)
    if not parse(result, source.language, edited).root_node.has_error:
        return True
    return not parse(result, source.language).root_node.has_error


def first_error(node: Node) -> Node | None:
    """Where the syntax breaks: the first MISSING or ERROR node. An ERROR that runs to the end
    of the file means something was left open, so its last token is the better place to point."""
    if not node.has_error:
        return None
    root = node
    cursor = [node]
    while cursor:
        current = cursor.pop()
        if current.is_missing:
            return current
        if current.is_error:
            if current.end_byte >= root.end_byte - 1 and current.child_count:
                last = current
                while last.child_count:
                    last = last.children[-1]
                return last
            return current
        cursor.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return node


_QUERIES: dict[tuple[str, str], Query] = {}


def captures(language: str, pattern: str, node: Node, byte_range: tuple[int, int] | None = None) -> dict[str, list[Node]]:
    """Run a (cached) query; matching happens in C, which keeps analysis near parse speed. With
    `byte_range`, only nodes that overlap it are visited."""
    key = (language, pattern)
    query = _QUERIES.get(key)
    if query is None:
        query = _QUERIES[key] = Query(LANGUAGES[language], pattern)
    cursor = QueryCursor(query)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    return cursor.captures(node)
