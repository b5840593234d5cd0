"""This version's nodes found again by position, for the language server's incremental analysis
(`javascript.incremental`): outside the edited statements, where the previous version's calls,
`new`s and functions are now (each checked by a tree-sitter lookup) and where its other scopes are
(placed: a node is looked up only if something reads it)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from lambda_leak.javascript.edits import Edit
from lambda_leak.javascript.module import Nodes, query_nodes
from lambda_leak.source import SourceText

if TYPE_CHECKING:
    from lambda_leak.javascript.incremental import CallGraph

# The first byte of each scope type `module._QUERY` lists, and those that end with "}" (see `_placed`).
_OPENING = {"statement_block": ord("{"), "class_body": ord("{"), "switch_body": ord("{"), "catch_clause": ord("c"),
            "for_statement": ord("f"), "for_in_statement": ord("f")}
_BRACED = frozenset({"statement_block", "class_body", "switch_body", "catch_clause"})


class Misaligned(Exception):
    """A node of the previous version is not where the edit says it must be."""


@dataclass
class Carried:
    """This version's nodes, with how they line up with the previous version's (old index -> new
    index, None for the edited statements' nodes, which were queried afresh)."""

    nodes: Nodes
    calls: list  # calls then `new`s
    functions: list
    call_ends: list[int]  # calls then `new`s, as `incremental._spans` reads them
    function_starts: list[int]
    function_ends: list[int]
    count: int  # how many nodes were carried over
    call_cut: tuple[int, int]  # the previous version's calls from index .0 to .1 were in the edited statements


class Placement:
    """Whether a placed scope was found out of place (`locate` sets it). Apart from the memo: the
    placed scopes hold it, and the memo holds their module (`incremental.DocumentMemo.keep`), which
    would make a cycle."""

    __slots__ = ("misplaced",)

    def __init__(self) -> None:
        self.misplaced = False


def carry(tree: Tree, source: SourceText, previous: CallGraph, edit: Edit,
          locate: Callable[[int, int, str], Node]) -> Carried:
    """This version's `Nodes`: outside the edited statements, the previous version's, moved by the
    edit and found again in `tree` by position and type (nothing there changed: `incremental._align`
    checked that); inside them, queried. Raises `Misaligned` when a node is not where that predicts. The
    scopes other than functions are only placed: `locate` finds one's node if something reads it."""
    root = tree.root_node
    inside = query_nodes(source.language, root, edit.edited) if edit.edited is not None else Nodes([], [], [], [], [], [])
    find = root.descendant_for_byte_range
    split = len(previous.call_starts)
    calls, call_starts, call_ends, call_where, call_cut = _carried(
        find, edit, previous.call_starts, previous.call_ends[:split], None, "call_expression", inside.calls)
    news, new_starts, new_ends, new_where, _ = _carried(
        find, edit, previous.new_starts, previous.call_ends[split:], None, "new_expression", inside.news)
    functions, function_starts, function_ends, function_where, _ = _carried(
        find, edit, previous.function_starts, previous.function_ends, previous.function_types, "", inside.functions)
    placed = _placed(edit, previous.scope_starts, previous.scope_ends, previous.scope_types, inside.scopes, source.data)
    nodes = Nodes(calls, news, functions, inside.scopes, call_starts, new_starts, placed, locate)
    where = call_where + [None if i is None else i + len(calls) for i in new_where]
    count = len(calls) + len(news) + len(functions) + len(placed) - sum(map(len, (
        inside.calls, inside.news, inside.functions)))
    return Carried(nodes, where, function_where, call_ends + new_ends, function_starts, function_ends, count,
                   call_cut)


def _carried(find, edit: Edit, starts: list[int], ends: list[int], types: list[str] | None, kind: str,
             inside: list[Node]) -> tuple[list[Node], list[int], list[int], list, tuple[int, int]]:
    """One kind of node (listed by start byte): this version's nodes, their starts and ends, old
    index -> new index (None inside the edited statements), and the old indices cut out there."""
    first, last, new_starts, new_ends = _moved(edit, starts, ends, inside)
    kinds = types if types is not None else [kind] * len(starts)
    nodes = [*found_all(find, new_starts[:first], new_ends[:first], kinds[:first]), *inside,
             *found_all(find, new_starts[first + len(inside):], new_ends[first + len(inside):], kinds[last:])]
    added = len(inside) - (last - first)
    where = [*range(first), *([None] * (last - first)), *range(last + added, len(starts) + added)]
    return nodes, new_starts, new_ends, where, (first, last)


def _placed(edit: Edit, starts: list[int], ends: list[int], types: list[str], inside: list[Node],
            data: bytes) -> list[tuple[int, int, str]]:
    """`_carried` without finding the nodes: where each scope outside the edited statements is now,
    with its type (`locate` finds one's node if something reads it). `incremental._align` checked
    that the tree kept its shape there; a scope whose bytes do not open (and close) as its type does stops the
    carrying all the same (a cheap tripwire: a scope nobody reads is never looked up)."""
    first, last, new_starts, new_ends = _moved(edit, starts, ends, inside)
    after = first + len(inside)
    placed = [*zip(new_starts[:first], new_ends[:first], types[:first]),
              *zip(new_starts[after:], new_ends[after:], types[last:])]
    opening, braced = _OPENING.get, _BRACED
    for start, end, kind in placed:  # one loop for thousands of blocks: kept lean
        if data[start] != opening(kind) or (kind in braced and data[end - 1] != 125):  # 125: "}"
            raise Misaligned(start)
    return placed


def _moved(edit: Edit, starts: list[int], ends: list[int], inside: list[Node]) -> tuple[int, int, list[int], list[int]]:
    """Where one kind of node (listed by start byte) is in this version: the old indices before
    the edited statements end at `first` (unmoved, or around them: moved end), those in them end
    at `last` (replaced by `inside`, queried), the others moved by the edit; and the new starts
    and ends. Raises `Misaligned` for a node that crosses the edited statements' bounds."""
    (low, high), delta, edited = edit.unit, edit.delta, edit.edited is not None
    first = bisect_left(starts, low) if edited else 0  # before it: unmoved, or around the edit
    last = bisect_left(starts, high) if edited else 0  # from here on: moved by `delta`
    if any(end > high for end in ends[first:last]):
        raise Misaligned(low)  # starts inside the edited statements but ends after them
    before_ends = ends[:first]
    if edited and any(end > low for end in before_ends):
        if any(low < end < high for end in before_ends):
            raise Misaligned(low)  # ends inside the edited statements without starting there
        before_ends = [end + delta if end > low else end for end in before_ends]  # around them: moved end
    new_starts = [*starts[:first], *[n.start_byte for n in inside], *map(delta.__add__, starts[last:])]
    new_ends = [*before_ends, *[n.end_byte for n in inside], *map(delta.__add__, ends[last:])]
    return first, last, new_starts, new_ends


def found_all(find, starts: list[int], ends: list[int], kinds: list[str]) -> list[Node]:
    """The nodes of these types over exactly these bytes (thousands per edit: kept lean)."""
    out = []
    append = out.append
    seen_start = seen_end = -1
    for start, end, kind in zip(starts, ends, kinds):
        if start == seen_start and end == seen_end:
            raise Misaligned(start)  # two nodes of one kind over the same bytes: position cannot tell them apart
        seen_start, seen_end = start, end
        node = find(start, end)
        if node.type != kind or node.start_byte != start or node.end_byte != end:
            node = _found(node, start, end, kind)
        append(node)
    return out


def locate(find, placement: Placement, start: int, end: int, kind: str) -> Node:
    """A placed scope's node, found when something first reads it. `incremental._align` checked
    that the tree kept its shape outside the edited statements, so it is there; if it is not, the
    memo says so and the analysis (`javascript.analyse.analyse`) runs again from a fresh parse."""
    try:
        return _found(find(start, end), start, end, kind)
    except Misaligned:
        placement.misplaced = True
        raise


def _found(node: Node | None, start: int, end: int, kind: str) -> Node:
    """The node of type `kind` over exactly these bytes: `node` (the innermost one) or one around it."""
    while node is not None:
        if node.start_byte != start or node.end_byte != end:
            break
        if node.type == kind:
            return node
        node = node.parent
    raise Misaligned(start)
