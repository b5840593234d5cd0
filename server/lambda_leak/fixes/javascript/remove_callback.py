"""The "Remove the unused callback parameter" fix: a handler that declares `(event, context, callback)`
and never uses `callback` keeps working with `(event, context)` — and Node.js 24 no longer takes it
for a callback handler. TypeScript stays valid: a function with fewer parameters is assignable to
the `Handler` types. Safe for async (or promise-returning) handlers; for a synchronous one it is
not, because the runtime stops waiting for the event loop to empty once no callback is declared.
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import replace_bytes
from lambda_leak.javascript.parser import parses_replaced
from lambda_leak.javascript.syntax import descendants, is_async, parameter_nodes, text
from lambda_leak.model import Fix

TITLE = "Remove the unused callback parameter"
_NAME_TYPES = frozenset({"identifier", "shorthand_property_identifier_pattern"})


def bound_names(param: Node) -> list[str]:
    """The names a parameter binds (`cb`, `{ signal }`, `[a, b]`), without default values' names."""
    if param.type in _NAME_TYPES:
        return [text(param)]
    pattern = param.child_by_field_name("pattern") or param.child_by_field_name("left")
    if param.type in ("required_parameter", "optional_parameter", "assignment_pattern") and pattern is not None:
        return bound_names(pattern)
    names = []
    for child in param.named_children:
        if child.type == "pair_pattern":
            value = child.child_by_field_name("value")
            names += bound_names(value) if value is not None else []
        elif child.type in ("type_annotation",):
            continue
        else:
            names += bound_names(child)
    return names


def trailing_parameters_used(context, function: Node, first: int = 2) -> bool:
    """Is a name bound by the parameters from index `first` on referenced in the function?"""
    names = {name for param in parameter_nodes(function)[first:] for name in bound_names(param)}
    body = function.child_by_field_name("body")
    if not names or body is None:
        return False
    for ref in descendants(body, frozenset({"identifier", "shorthand_property_identifier"})):
        if text(ref) in names and not _shadowed(context, ref, function):
            return True
    return False


def _shadowed(context, ref: Node, function: Node) -> bool:
    """Does `ref` name something declared inside the function (not its parameter)? Unknown names
    count as the parameter's: removing a used parameter would break the code."""
    bound = context.module.resolve(text(ref), ref)
    if bound is None or bound.node is None or bound.node == function:
        return False
    node = bound.node  # a declaration inside the function, or a nested function's own parameter
    return node != function and function.start_byte < node.start_byte and node.end_byte <= function.end_byte


def remove_callback(context, function: Node) -> Fix | None:
    """Drop the third and later parameters when none of them is used."""
    params = parameter_nodes(function)
    if len(params) < 3 or trailing_parameters_used(context, function):
        return None
    start, end = params[1].end_byte, params[-1].end_byte
    following = params[-1].next_sibling
    if following is not None and following.type == ",":  # a trailing comma goes with the parameter
        end = following.end_byte
    if not parses_replaced(context.module.tree, context.source, start, end, ""):
        return None
    safe = is_async(function) or context.promises.function_returns_promise(function)
    return Fix(TITLE, safe, (replace_bytes(context.source, start, end, ""),))
