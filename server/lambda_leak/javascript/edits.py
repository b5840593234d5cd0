"""Where two versions of a JavaScript file differ, for the language server's incremental analysis
(`javascript.incremental`): the run of one block's statements an edit touches, when the syntax
tree kept its shape around them."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, Tree

from lambda_leak.javascript.syntax import CLASS_TYPES

Span = tuple[int, int]
_BLOCKS = frozenset({"statement_block", "program"})
# Statements that add names to their block (`JsModule._declare`): an edit touching one may change
# what names mean anywhere in that block, so all of the block's statements are taken as edited
# (never the program's: its names reach everything).
_DECLARING = frozenset(
    {"export_statement", "function_declaration", "generator_function_declaration", "lexical_declaration",
     "variable_declaration", "import_statement"}
) | CLASS_TYPES


@dataclass(frozen=True)
class Edit:
    """Where two versions differ: the edited statements in new bytes (None when the text is the
    same), the same statements in old bytes, and how much longer the new text is."""

    edited: Span | None
    unit: Span
    delta: int


def common_ends(old: bytes, new: bytes) -> tuple[int, int]:
    """Lengths of the longest common prefix and (not overlapping it) suffix (binary searches on
    slices: each comparison is one memcmp)."""
    shortest = min(len(old), len(new))
    lo, hi = 0, shortest
    while lo < hi:  # the longest k with old[:k] == new[:k]
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, shortest - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def edited_statements(tree: Tree, new: bytes, old: bytes, old_tree: Tree, previous_tree: Tree, prefix: int,
                      suffix: int) -> Span | None:
    """The span (new bytes) of the statements holding the edit — a run of one block's statements,
    none declaring a name, in both versions, and in a class none reading `this`; or, when one does
    declare a name and the block is not the program, all of the block's statements — when the tree
    kept its shape around them (`old_tree`: the previous version's, `previous_tree`: the same as
    edited up to this text); else None."""
    delta = len(new) - len(old)
    before = _statements_around(old_tree.root_node, prefix, len(old) - suffix)
    after = _statements_around(tree.root_node, prefix, len(new) - suffix)
    if before is None or after is None:
        return None
    (old_block, old_span, old_declares), (new_block, span, declares) = before, after
    if old_block.start_byte != new_block.start_byte or old_block.end_byte + delta != new_block.end_byte:
        return None
    if (b"this" in old[old_span[0] : old_span[1]] or b"this" in new[span[0] : span[1]]) and _in_class(new_block):
        return None  # in a class, `this.x = …` anywhere types its fields (`JsModule.class_fields`)
    if old_declares or declares:
        # A name declared in a block is read only inside it (`JsModule.scope`: each block holds its
        # own, `var` and functions included), so what anything outside it means stays as it was:
        # the whole block is taken as edited. The program's names reach everything.
        if new_block.type != "statement_block" or old_block.type != "statement_block":
            return None
        old_span = (old_block.start_byte + 1, old_block.end_byte - 1)
        span = (new_block.start_byte + 1, new_block.end_byte - 1)
    if old_span[0] != span[0] or old_span[1] + delta != span[1]:
        return None
    for changed in previous_tree.changed_ranges(tree):
        start, end = changed.start_byte, changed.end_byte
        if new[start : min(end, span[0])].strip() or new[max(start, span[1]) : end].strip():
            return None  # the tree changed shape outside those statements (not just in blanks)
    return span


def _statements_around(root: Node, start: int, end: int) -> tuple[Node, Span, bool] | None:
    """The innermost block whose statements (with the blanks between them) cover [start, end),
    the span of those statements and blanks, and whether one of them declares a name."""
    node = root.descendant_for_byte_range(start, end)
    while node is not None:
        if node.type in _BLOCKS:
            inner = (node.start_byte + 1, node.end_byte - 1) if node.type == "statement_block" else node.byte_range
            if inner[0] <= start and end <= inner[1]:
                # Statements touching the edit too: text typed at a statement's end may belong to it.
                run = _touching(node, start, end)
                low = min([start, *(c.start_byte for c in run)])
                high = max([end, *(c.end_byte for c in run)])
                return node, (low, high), any(c.type in _DECLARING for c in run)
        node = node.parent
    return None


def _touching(block: Node, start: int, end: int) -> list[Node]:
    """`block`'s named children that touch [start, end], found by bisection on their ends (a long
    block's statements are not all listed at each edit)."""
    child, count = block.named_child, block.named_child_count
    low, high = 0, count  # the first child ending at `start` or later
    while low < high:
        middle = (low + high) // 2
        if child(middle).end_byte >= start:
            high = middle
        else:
            low = middle + 1
    run = []
    while low < count:
        found = child(low)
        if found.start_byte > end:
            break
        run.append(found)
        low += 1
    return run


def _in_class(node: Node) -> bool:
    while node is not None:
        if node.type in CLASS_TYPES:
            return True
        node = node.parent
    return False
