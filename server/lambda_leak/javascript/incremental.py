"""Re-using the previous version's call graph when an editor changes a few statements.

The language server analyses a document again on every change. Which functions of the file
each call runs (`JsModule.functions_called`, `JsModule.passed_functions`: the edges of the
handler paths) depends only on the call's callee and arguments, the names visible where it
stands and the classes, objects and functions those names are bound to. When an edit stays
inside a run of one block's statements that declare nothing, outside any class, and the
syntax tree keeps its shape around them, none of that changes for a call outside them: its
edges are the previous version's, moved by the edit. Everything else (the edited statements'
calls, every rule) is computed afresh, so findings stay those of a from-scratch analysis;
anything else (a syntax error, a declaration, a class, a tree that changed elsewhere) simply
computes the whole call graph again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from tree_sitter import Node, Tree

from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.syntax import CLASS_TYPES

log = logging.getLogger(__name__)
Span = tuple[int, int]
_BLOCKS = frozenset({"statement_block", "program"})
# Statements that add names to their block (`JsModule._declare`): an edit inside one may change
# what names mean elsewhere, so it is never taken as an edited statement.
_DECLARING = frozenset(
    {"export_statement", "function_declaration", "generator_function_declaration", "lexical_declaration",
     "variable_declaration", "import_statement"}
) | CLASS_TYPES


@dataclass(frozen=True)
class CallGraph:
    """One analysed version's call-graph edges, by byte span (nodes do not outlive their tree),
    with a copy of its syntax tree as it was (the document's own copy is edited as the user types)."""

    data: bytes
    language: str
    tree: Tree
    called: dict[Span, tuple[Span, ...]]  # call or `new` -> functions_called
    passed: dict[Span, tuple[Span, ...]]  # call -> functions passed to it by name


@dataclass
class DocumentMemo:
    """What the language server keeps for one open document between its versions: `previous` is
    read by the next analysis, which leaves its own edges in `current`."""

    previous: CallGraph | None = None
    current: CallGraph | None = field(default=None, repr=False)
    reused: int = 0  # calls whose edges came from `previous` (for the log and the tests)


def capture(module: JsModule) -> CallGraph:
    def spans(nodes: list[Node]) -> tuple[Span, ...]:
        return tuple(n.byte_range for n in nodes)

    return CallGraph(
        module.source.data,
        module.source.language,
        module.tree.copy(),
        {call.byte_range: spans(found) for call, found in module._called.items()},
        {call.byte_range: spans(found) for call, found in module._passed.items()},
    )


def seed(module: JsModule, previous: CallGraph | None, previous_tree: Tree | None) -> int:
    """Fill `module`'s call-graph memos from `previous` where provably unchanged (see `_seed`);
    anything unexpected leaves them empty, to be computed as in any analysis."""
    try:
        return _seed(module, previous, previous_tree)
    except Exception:  # noqa: BLE001 - a memo never costs an analysis
        log.debug("call graph not re-used", exc_info=True)
        module._called.clear()
        module._passed.clear()
        return 0


def _seed(module: JsModule, previous: CallGraph | None, previous_tree: Tree | None) -> int:
    """Fill `module`'s call-graph memos from `previous` where provably unchanged. `previous_tree`
    is `previous.tree` with the document's edits applied, the base `module` was parsed from.
    Returns how many calls were seeded (0 when the edit is not one this can reason about)."""
    if previous is None or previous_tree is None or previous.language != module.source.language:
        return 0
    if module.root.has_error or previous.tree.root_node.has_error:
        return 0
    old, new = previous.data, module.source.data
    delta = len(new) - len(old)
    prefix, suffix = _common_ends(old, new)
    edited: Span | None = None  # the edited statements, in new bytes
    if old != new:
        edited = _edited_statements(module, previous, previous_tree, prefix, suffix)
        if edited is None:
            return 0
    inside = (edited[0], edited[1] - delta) if edited is not None else (0, 0)  # the same, in old bytes

    def moved(span: Span) -> Span | None:
        start, end = span
        if edited is None:
            return span
        if start >= inside[0] and end <= inside[1]:
            return None  # inside the edited statements: computed afresh
        if end <= prefix:
            return span
        if start >= len(old) - suffix:
            return start + delta, end + delta
        if start <= inside[0] and end >= inside[1]:  # around it: `run(() => { edited })`
            return start, end + delta
        return None

    calls = {node.byte_range: node for node in module.calls}
    calls.update((node.byte_range, node) for node in module.news)
    functions = {node.byte_range: node for node in module.functions}
    seeded = 0
    for memo, entries in ((module._called, previous.called), (module._passed, previous.passed)):
        for span, targets in entries.items():
            where = moved(span)
            call = calls.get(where) if where is not None else None
            if call is None or (edited is not None and where[0] <= edited[0] and where[1] >= edited[1]
                                and _callee_overlaps(call, edited)):
                continue
            found = []
            for target in targets:
                place = moved(target)
                function = functions.get(place) if place is not None else None
                if function is None:
                    break
                found.append(function)
            else:
                memo[call] = found
                seeded += 1
    return seeded


def _callee_overlaps(call: Node, span: Span) -> bool:
    """Does the part of a call that decides its edges (not its arguments) reach into `span`?"""
    callee = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    return callee is None or (callee.start_byte < span[1] and callee.end_byte > span[0])


def _common_ends(old: bytes, new: bytes) -> tuple[int, int]:
    """Lengths of the longest common prefix and (not overlapping it) suffix."""
    a, b = memoryview(old), memoryview(new)
    shortest = min(len(a), len(b))
    lo, hi = 0, shortest
    while lo < hi:  # the longest k with a[:k] == b[:k]
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, shortest - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def _edited_statements(module: JsModule, previous: CallGraph, previous_tree: Tree, prefix: int, suffix: int) -> Span | None:
    """The span (new bytes) of the statements holding the edit — a run of one block's statements,
    none declaring a name, in both versions, outside any class — when the tree kept its shape
    around them; else None."""
    old, new = previous.data, module.source.data
    delta = len(new) - len(old)
    before = _statements_around(previous.tree.root_node, prefix, len(old) - suffix)
    after = _statements_around(module.root, prefix, len(new) - suffix)
    if before is None or after is None:
        return None
    (old_block, old_span), (new_block, span) = before, after
    if old_block.start_byte != new_block.start_byte or old_block.end_byte + delta != new_block.end_byte:
        return None
    if old_span[0] != span[0] or old_span[1] + delta != span[1]:
        return None
    for changed in previous_tree.changed_ranges(module.tree):
        start, end = changed.start_byte, changed.end_byte
        if new[start : min(end, span[0])].strip() or new[max(start, span[1]) : end].strip():
            return None  # the tree changed shape outside those statements (not just in blanks)
    return span


def _statements_around(root: Node, start: int, end: int) -> tuple[Node, Span] | None:
    """The innermost block whose statements (with the blanks between them) cover [start, end),
    and the span of those statements and blanks; None when one of them declares a name or a
    class encloses them."""
    node = root.descendant_for_byte_range(start, end)
    while node is not None:
        if node.type in _BLOCKS:
            inner = (node.start_byte + 1, node.end_byte - 1) if node.type == "statement_block" else node.byte_range
            if inner[0] <= start and end <= inner[1]:
                # Statements touching the edit too: text typed at a statement's end may belong to it.
                run = [c for c in node.named_children if c.start_byte <= end and c.end_byte >= start]
                if any(c.type in _DECLARING for c in run) or _in_class(node):
                    return None
                low = min([start, *(c.start_byte for c in run)])
                high = max([end, *(c.end_byte for c in run)])
                return node, (low, high)
        node = node.parent
    return None


def _in_class(node: Node) -> bool:
    while node is not None:
        if node.type in CLASS_TYPES:
            return True
        node = node.parent
    return False
