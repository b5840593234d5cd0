"""async-foreach: `.forEach(async …)`, or `.map(async …)` whose promises nobody waits for."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.fixes.javascript.await_all import await_all
from lambda_leak.javascript.fate import resolved_inside
from lambda_leak.javascript.syntax import (
    FUNCTION_TYPES,
    TRANSPARENT,
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    is_async,
    text,
    unwrap,
)
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="async-foreach",
    family="javascript",
    summary="forEach/map with an async callback whose promises nobody awaits",
    fixes=(FixInfo("Await all with Promise.all", True),),
)

# How the array of promises from `map(async …)` is dropped.
DROPPED, AWAITED_ARRAY, UNUSED = "dropped", "awaited-array", "unused"


def _async_callback(module, call: Node) -> Node | None:
    args = call_arguments(call)
    if not args:
        return None
    first = unwrap(args[0])
    if first.type in FUNCTION_TYPES:
        return first if is_async(first) else None
    if first.type == "identifier":
        bound = module.resolve(text(first), first)
        if bound is not None and bound.kind == "function" and is_async(bound.node):
            return first
    return None


def _method(call: Node) -> str:
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression":
        return ""
    return text(callee.child_by_field_name("property"))


_ARRAY_METHODS = frozenset(
    {"map", "filter", "slice", "concat", "flat", "flatMap", "split", "sort", "reverse", "toSorted", "toReversed"}
)


def _clearly_array(receiver: Node) -> bool:
    """An array literal or a call that returns an array (not a stream, whose `forEach` returns a promise)."""
    receiver = unwrap(receiver)
    if receiver.type == "array":
        return True
    if receiver.type != "call_expression":
        return False
    name = dotted_name(receiver.child_by_field_name("function"))
    return name in ("Object.keys", "Object.values", "Object.entries", "Array.from", "Array.of") or (
        _method(receiver) in _ARRAY_METHODS
    )


def _foreach_fate(call: Node) -> tuple[str | None, Node]:
    """A `forEach` statement; or an awaited/returned one when the receiver is clearly an array
    (Node's `stream.forEach(async …)` returns a promise, and awaiting it is right)."""
    current = call
    while current.parent is not None and current.parent.type in TRANSPARENT:
        current = current.parent
    parent = current.parent
    if parent is not None and parent.type == "expression_statement":
        return "forEach", current
    callee = unwrap(call.child_by_field_name("function"))
    if parent is not None and parent.type == "await_expression" and _clearly_array(callee.child_by_field_name("object")):
        return "forEach-awaited", current
    if parent is not None and parent.type in ("return_statement", "arrow_function", "await_expression"):
        return None, current
    return "forEach-used", current


def array_fate(call: Node) -> tuple[str | None, Node]:
    """How the array returned by `call` ends: a problem kind (or None when it is fine) and the
    outermost expression carrying it."""
    current = call
    while True:
        parent = current.parent
        if parent is None:
            return None, current
        kind = parent.type
        if kind in TRANSPARENT:
            current = parent
        elif kind == "expression_statement":
            return DROPPED, current
        elif kind == "await_expression":
            return AWAITED_ARRAY, current  # awaiting an array does not wait for its promises
        elif kind == "variable_declarator" and parent.child_by_field_name("value") == current:
            name = parent.child_by_field_name("name")
            if name is None or name.type != "identifier" or _used_later(name):
                return None, current
            return UNUSED, current
        else:
            # Handed to Promise.all/allSettled, returned, yielded, passed on or chained: not ours to judge.
            return None, current


def _used_later(name: Node) -> bool:
    scope = enclosing_function(name) or name.tree.root_node
    return any(ref != name and text(ref) == text(name) for ref in descendants(scope, frozenset({"identifier"})))


def check(context) -> Iterator[Finding]:
    module, paths = context.module, context.paths
    for call in module.calls:
        method = _method(call)
        if method not in ("forEach", "map"):
            continue
        callback = _async_callback(module, call)
        if callback is None or not paths.on_path(call):
            continue
        if method == "forEach":
            problem, anchor = _foreach_fate(call)
            if problem is None or resolved_inside(call, unwrap(call_arguments(call)[0])):
                continue
            message = (
                "`forEach` does not wait for its async callback: the handler returns while the callbacks still "
                "run, and Lambda freezes that work (it resumes in a later invocation, or never)"
            )
            yield context.finding(RULE, call, message, (await_all(context, call, problem, anchor),))
            continue
        problem, anchor = array_fate(call)
        if problem is None:
            continue
        message = (
            "the promises from `map(async …)` are never awaited"
            + (" (awaiting the array itself does not wait for them)" if problem == AWAITED_ARRAY else "")
            + ": the handler returns while they run, and Lambda freezes that work (it resumes in a later "
            "invocation, or never)"
        )
        yield context.finding(RULE, call, message, (await_all(context, call, problem, anchor),))

