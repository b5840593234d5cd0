"""async-foreach: `.forEach(async …)`, or `.map(async …)` whose promises nobody waits for."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.fixes.javascript.await_all import await_all
from lambda_leak.javascript.fate import HANDLED, follow, only_inspects, resolved_inside
from lambda_leak.javascript.syntax import (
    FUNCTION_TYPES,
    TRANSPARENT,
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    identifiers_named,
    is_async,
    parameter_names,
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


def _async_callback(context, call: Node) -> Node | None:
    """The callback argument when it is async or returns a promise (`(x) => notify(x)`)."""
    args = call_arguments(call)
    if not args:
        return None
    first = unwrap(args[0])
    function = first if first.type in FUNCTION_TYPES else None
    if first.type == "identifier":
        bound = context.module.resolve(text(first), first)
        function = bound.node if bound is not None and bound.kind == "function" else None
    if function is not None and (is_async(function) or context.promises.function_returns_promise(function)):
        return first
    return None


def _is_async_callback(module, callback: Node) -> bool:
    callback = unwrap(callback)
    if callback.type == "identifier":
        bound = module.resolve(text(callback), callback)
        callback = bound.node if bound is not None and bound.kind == "function" else callback
    return callback.type in FUNCTION_TYPES and is_async(callback)


def _method(call: Node) -> str:
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression":
        return ""
    return text(callee.child_by_field_name("property"))


_METHODS = frozenset({"forEach", "map", "reduce", "filter", "some", "every", "find", "findIndex", "findLast", "findLastIndex"})
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


def array_fate(call: Node, handler: bool = False) -> tuple[str | None, Node]:
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
            if name is None or name.type != "identifier" or _waited_later(name, handler):
                return None, current
            return UNUSED, current
        else:
            # Handed to Promise.all/allSettled, returned, yielded, passed on or chained: not ours to judge.
            return None, current


def _waited_later(name: Node, handler: bool) -> bool:
    """Does any later use of the array hand it on (to `Promise.all`, a return, another function)?
    Reading its length, logging it, or — in the handler — returning it inside an object does not."""
    scope = enclosing_function(name) or name.tree.root_node
    for ref in descendants(scope, frozenset({"identifier", "shorthand_property_identifier"})):
        if ref == name or text(ref) != text(name) or only_inspects(ref):
            continue
        if handler and _returned_in_object(ref):
            continue
        return True
    return False


def _returned_in_object(ref: Node) -> bool:
    """`return { pending }` / `return { body: pending }`: the runtime serialises the promises."""
    node = ref if ref.type == "shorthand_property_identifier" else ref.parent
    if node is not None and node.type == "pair":
        node = node if node.child_by_field_name("value") == ref else None
    obj = node.parent if node is not None else None
    return obj is not None and obj.type == "object" and obj.parent is not None and obj.parent.type == "return_statement"


_PREDICATES = frozenset({"filter", "some", "every", "find", "findIndex", "findLast", "findLastIndex"})


def _accumulator_awaited(callback: Node) -> bool:
    """`reduce(async (previous, item) => { await previous; … })` chains its promises."""
    names = parameter_names(callback)
    if not names or not names[0]:
        return True  # a destructured accumulator: not ours to judge
    for use in identifiers_named(callback, {names[0]}):
        outcome = follow(use)
        if outcome.fate == HANDLED and outcome.anchor.parent is not None and outcome.anchor.parent.type == "await_expression":
            return True
    return False


def check(context) -> Iterator[Finding]:
    module, paths = context.module, context.paths
    for call in module.calls_to_methods(_METHODS):
        method = _method(call)
        if method not in _METHODS:
            continue
        callback = _async_callback(context, call)
        if callback is None or not paths.on_path(call):
            continue
        if method in _PREDICATES:
            yield context.finding(RULE, call, (
                f"`{method}` gets a promise from its async callback, and a promise is always truthy: every item "
                "counts as a match, and the callbacks' work is not awaited — Lambda freezes it when the handler returns"
            ))
            continue
        if method == "reduce":
            callback = unwrap(callback)
            if callback.type in FUNCTION_TYPES and is_async(callback) and not _accumulator_awaited(callback):
                yield context.finding(RULE, call, (
                    "`reduce(async …)` never awaits its accumulator: every callback starts at once and only the last "
                    "promise is waited for; the others run on after the handler returns, when Lambda freezes them"
                ))
            continue
        if method == "forEach":
            problem, anchor = _foreach_fate(call)
            if problem is None or resolved_inside(call, unwrap(call_arguments(call)[0])):
                continue
            message = (
                "`forEach` does not wait for "
                + ("its async callback" if _is_async_callback(module, callback) else "the promise its callback returns")
                + ": the handler returns while the callbacks still run, and Lambda freezes that work (it resumes in a "
                "later invocation, or never)"
            )
            yield context.finding(RULE, call, message, (await_all(context, call, problem, anchor),))
            continue
        function = enclosing_function(call)
        problem, anchor = array_fate(call, function is not None and paths.handler_of(function) is not None)
        if problem is None:
            continue
        message = (
            ("the promises from `map(async …)`" if _is_async_callback(module, callback) else "the promises `map`'s callback returns")
            + " are never awaited"
            + (" (awaiting the array itself does not wait for them)" if problem == AWAITED_ARRAY else "")
            + ": the handler returns while they run, and Lambda freezes that work (it resumes in a later "
            "invocation, or never)"
        )
        yield context.finding(RULE, call, message, (await_all(context, call, problem, anchor),))

