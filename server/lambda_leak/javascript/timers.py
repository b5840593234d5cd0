"""Recognising Node's callback timers (not the promise timers of `timers/promises`)."""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.syntax import (
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    text,
    unwrap,
)

TIMERS = frozenset({"setTimeout", "setInterval", "setImmediate"})
CLEARERS = frozenset({"clearTimeout", "clearInterval", "clearImmediate"})


def timer_kind(module: JsModule, call: Node) -> str | None:
    """'setTimeout' etc. when `call` starts a callback timer, else None."""
    callee = unwrap(call.child_by_field_name("function"))
    name = dotted_name(callee)
    if not name:
        return None
    head, _, last = name.rpartition(".")
    if not head:
        bound = module.resolve(last, callee)
        if bound is None:
            return last if last in TIMERS else None  # the global
        if bound.kind == "import" and bound.module == "timers" and bound.imported in TIMERS:
            return bound.imported  # import { setImmediate as soon } from "timers"
        return None
    if last not in TIMERS:
        return None
    if head in ("global", "globalThis", "window"):
        return last
    bound = module.resolve(head.split(".")[0], callee)
    if bound is not None and bound.kind == "import" and bound.module == "timers" and "." not in head:
        return last
    return None


def is_cleared(module: JsModule, call: Node) -> bool:
    """`const t = setTimeout(...)` … `clearTimeout(t)` in the same function (or class, for `this.t`)."""
    holder = _holder(call)
    if holder is None:
        return False
    scope = enclosing_function(call)
    if holder.startswith("this."):
        scope = module.enclosing_class(call) or scope
    scope = scope or module.root
    for other in module.calls_within(scope):
        callee = dotted_name(other.child_by_field_name("function"))
        if callee.rpartition(".")[2] in CLEARERS:
            args = call_arguments(other)
            if args and text(unwrap(args[0])) == holder:
                return True
    return False


def _holder(call: Node) -> str | None:
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    if parent.type == "assignment_expression":
        return text(parent.child_by_field_name("left"))
    return None


def uses_this(function: Node) -> bool:
    return any(True for _ in descendants(function, frozenset({"this", "arguments"}), stop_at_functions=True))
