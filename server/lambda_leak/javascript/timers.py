"""Recognising Node's callback timers (not the promise timers of `timers/promises`)."""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.syntax import (
    call_arguments,
    descendants,
    enclosing_function,
    parameter_names,
    text,
    unwrap,
)

TIMERS = frozenset({"setTimeout", "setInterval", "setImmediate"})
CLEARERS = frozenset({"clearTimeout", "clearInterval", "clearImmediate"})


_MEMBER = "\x00member"  # `_timer_callee`: a member callee whose property names a timer
_NO_CALLEE = "\x00none"  # a call without a callee (error recovery): `timer_kind` reads it, as before


def _timer_callee(module: JsModule, call: Node) -> str | None:
    """What `timer_calls` needs of a callee: `_MEMBER` for `x.setTimeout`, the name of a plain
    identifier, None for any other callee (read once per call through `per_call`, which the
    language server carries over to the next version)."""
    callee = module.callee(call)
    if callee is None:
        return _NO_CALLEE
    callee = unwrap(callee)
    if callee.type == "identifier":
        return module.text(callee)
    if callee.type == "member_expression" and module.text(callee.child_by_field_name("property")) in TIMERS:
        return _MEMBER
    return None


def timer_calls(module: JsModule, carried: bool = True) -> list[Node]:
    """The calls (in order) `timer_kind` may name: it names no other. Without "timers" in the file
    no alias of a timer can be imported, so a plain call must spell a timer's own name, read per call
    and so carried over to the next version when `carried` (the language server). Without it
    (`check`): the member calls named like a timer and every plain call, cheaper when each is read once."""
    if not carried:
        return module.calls_to_methods(TIMERS, plain=True)
    aliases = _mentions_timers(module)
    return [call for call, callee in zip(module.calls, module.per_call(_timer_callee))
            if callee is not None and (aliases or callee in TIMERS or callee is _MEMBER or callee is _NO_CALLEE)]


def timer_kind(module: JsModule, call: Node) -> str | None:
    """'setTimeout' etc. when `call` starts a callback timer, else None."""
    callee = unwrap(module.callee(call))
    if callee.type == "member_expression" and module.text(callee.child_by_field_name("property")) not in TIMERS:
        return None  # what the code below concludes, without spelling out the whole `a.b.c` first
    name = module.dotted(callee)
    if not name:
        return None
    head, _, last = name.rpartition(".")
    if not head:
        if last not in TIMERS and not _mentions_timers(module):
            return None  # neither a global timer nor, without a "timers" import, an alias of one
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


def _mentions_timers(module: JsModule) -> bool:
    """Can the file import from "timers" at all? (Read once per module, not once per call.)"""
    known = module._mentions_timers
    if known is None:
        known = module._mentions_timers = b"timers" in module.source.data
    return known


def is_cleared(module: JsModule, call: Node, depth: int = 0) -> bool:
    """`const t = setTimeout(...)` … `clearTimeout(t)` in the same function (or class, for `this.t`),
    or a helper that returns the handle to callers that each clear it."""
    holder = _holder(call)
    if holder is None:
        return depth < 3 and _returned_to_clearers(module, call, depth)
    scope = enclosing_function(call)
    if holder.startswith("this."):
        scope = module.enclosing_class(call) or scope
    elif module.module_scope.get(holder) is not None and module.module_scope.get(holder) is module.resolve(holder, call):
        scope = module.root  # a module-level handle, cleared by another function (stopSlowWarning())
    scope = scope or module.root
    for other in module.calls_within(scope):
        callee = module.dotted(other.child_by_field_name("function"))
        if callee.rpartition(".")[2] in CLEARERS:
            args = call_arguments(other)
            if args and module.text(unwrap(args[0])) == holder:
                return True
    return False


def _returned_to_clearers(module: JsModule, call: Node, depth: int) -> bool:
    """`function startWatchdog() { return setTimeout(…) }`: the caller owns the handle. Cleared when
    every caller in this file clears it; callers in other files are not ours to judge."""
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    function = enclosing_function(call)
    if parent is None or function is None:
        return False
    if parent.type != "return_statement" and not (parent.type == "arrow_function" and parent == function):
        return False
    sites = _call_sites(module, function)
    return all(is_cleared(module, site, depth + 1) for site in sites)


def continues_callback(module: JsModule, call: Node) -> bool:
    """A timer inside a callback-style function that continues its operation (`setTimeout(callback, ms)`,
    a retry that calls on with `callback`): whoever waits for the callback waits for the timer. Kept
    when every caller in this file waits for the callback in an awaited promise executor."""
    from lambda_leak.javascript.fate import settled_by_executor

    args = call_arguments(call)
    if not args:
        return False
    used = {module.text(ref) for ref in descendants(args[0], frozenset({"identifier"}))} | {module.text(unwrap(args[0]))}
    function = enclosing_function(call)
    while function is not None:  # the innermost function whose callback parameter the timer uses
        callbacks = {name for name in parameter_names(function)[1:] if name and _called(function, name)}
        if callbacks & used:
            break
        function = enclosing_function(function)
    if function is None:
        return False
    sites = [s for s in _call_sites(module, function) if not function.start_byte <= s.start_byte < function.end_byte]
    return all(settled_by_executor(site, module) for site in sites)


def _called(function: Node, name: str) -> bool:
    """Is parameter `name` called, or handed on, inside `function` (a callback, not data)?"""
    for ref in descendants(function, frozenset({"identifier"})):
        if text(ref) != name or ref.parent is None:
            continue
        if ref.parent.type == "call_expression" and ref.parent.child_by_field_name("function") == ref:
            return True
        if ref.parent.type == "arguments":
            return True
    return False


def _call_sites(module: JsModule, function: Node) -> list[Node]:
    return [site for site in module.calls if function in module.functions_called(site)]


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
