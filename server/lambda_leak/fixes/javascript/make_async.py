"""Making a function `async` — only when nobody is hurt by the promise it then returns."""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import insert
from lambda_leak.javascript.fate import ESCAPES, FLOATING, STORED, follow, stored_outcome
from lambda_leak.javascript.syntax import descendants, is_async, text
from lambda_leak.model import TextEdit


def async_edit(context, function: Node) -> TextEdit | None:
    """The edit that adds `async` to `function`, or None if it already is async or is a generator."""
    if is_async(function) or any(c.type == "*" for c in function.children):
        return None
    if function.type == "method_definition":
        if any(c.type in ("get", "set") for c in function.children):
            return None
        return insert(context.source, function.child_by_field_name("name").start_byte, "async ")
    return insert(context.source, function.start_byte, "async ")


def async_edits(context, function: Node) -> list[TextEdit] | None:
    """What makes `function` async for a fix: [] when it already is, [the edit] when it may become
    async (`can_become_async`), None when it may not."""
    if is_async(function):
        return []
    edit = async_edit(context, function) if can_become_async(context, function) else None
    return None if edit is None else [edit]


def can_become_async(context, function: Node) -> bool:
    """The handler may; any other function only if every caller in the file awaits or returns it,
    and it is never passed around by name (where its new promise would float)."""
    if any(h.function == function for h in context.handlers):
        return True
    callers = _callers(context.module).get(function)
    if not callers:
        return False
    for call in callers:
        outcome = follow(call)
        if outcome.fate == STORED:
            outcome = stored_outcome(context.module, outcome)
        if outcome.fate in (FLOATING, ESCAPES):
            return False
    name = _bound_name(function)
    if name:
        callees = {c.child_by_field_name("function") for c in callers}
        if any(ref not in callees for ref in _named_arguments(context.module).get(name, ())):
            return False  # passed as a callback: its caller would not await it
    return True


# Both read the whole file once per analysis: a fix asks them for each function it would make async,
# and a file of many such helpers (each with a floating promise) made that quadratic.


def _callers(module) -> dict[Node, list[Node]]:
    """The calls of the file that run each function (`functions_called`), in the file's order."""
    callers = module._callers_memo
    if callers is None:
        callers = module._callers_memo = {}
        for call in module.calls:
            for function in module.functions_called(call):
                found = callers.setdefault(function, [])
                if not found or found[-1] != call:
                    found.append(call)
    return callers


def _named_arguments(module) -> dict[str, list[Node]]:
    """The identifiers handed to a call as arguments (`f(x)`'s `x`), by name."""
    named = module._arguments_memo
    if named is None:
        named = module._arguments_memo = {}
        for ref in descendants(module.root, frozenset({"identifier"})):
            parent = ref.parent
            if parent is not None and parent.type == "arguments":
                named.setdefault(text(ref), []).append(ref)
    return named


def _bound_name(function: Node) -> str:
    name = function.child_by_field_name("name")
    if name is not None:
        return text(name)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    return ""
