"""callback-handler: a handler Node.js 24 treats as callback-based — its exported function declares
three or more parameters (`Function.length`) and is not a response-streaming handler.

That covers callback handlers, async handlers that list an unused `callback`, project wrappers
that return a three-parameter function, and handlers built by an adapter version that does. An
async handler that also calls or passes on its callback is `mixed-handler`'s finding instead.
"""

from __future__ import annotations

from typing import Iterator

from lambda_leak.fixes.javascript.convert_to_async import callback_settles, context_settles, convert_to_async
from lambda_leak.fixes.javascript.remove_callback import remove_callback, trailing_parameters_used
from lambda_leak.javascript.arity import exported_arity
from lambda_leak.javascript.node24 import INIT_ERROR, escalate_init, handler_runtime
from lambda_leak.javascript.syntax import is_async, parameter_names
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo
from lambda_leak.workspace.entries import binding_ref

RULE = RuleInfo(
    id="callback-handler",
    family="javascript",
    summary="A handler Node.js 24 treats as callback-based: it declares (event, context, callback)",
    fixes=(
        FixInfo("Remove the unused callback parameter", True, note="unsafe on a synchronous handler"),
        FixInfo("Convert to async handler", True),
    ),
    severity_note="**error** on `nodejs24.x` and later",
)
_LEAK = (
    "work still pending when the callback is called leaks into the next invocation unless the runtime waits"
)


def _is_mixed(context, handler) -> bool:
    """An async handler that calls or passes on its callback: mixed-handler reports it."""
    callback = handler.callback_parameter()
    if callback is None or not is_async(handler.function):
        return False
    settles, passed_on = callback_settles(context, handler.function, callback)
    return bool(settles or passed_on)


def _fix(context, function, own: bool):
    """Remove the callback when nothing uses it; convert a handler that settles through it (or
    through context.succeed/fail/done) to async. A wrapper that uses it gets no automatic fix."""
    names = parameter_names(function)
    context_name = names[1] if len(names) > 1 and names[1] else None
    uses_context_methods = bool(context_name and context_settles(context, function, context_name))
    if not trailing_parameters_used(context, function) and not (own and uses_context_methods and not is_async(function)):
        return remove_callback(context, function)
    if own and len(names) > 2 and names[2]:
        return convert_to_async(context, function, names[2], context_name)
    return None


def _imported_arity(context):
    """The workspace's answer for wrappers imported from other project files."""
    workspace = context.workspace

    def answer(binding, member):
        ref = binding_ref(binding, member)
        return workspace.imported_returned_arity(context.source.path, *ref) if ref is not None else None

    return answer


def _arity_detail(handler, shape, callback: str) -> str:
    """What makes the exported function a three-parameter one, in the user's terms."""
    params = f"{shape.arity} parameters"
    if shape.wrapper:
        where = f"in {shape.wrapper_module}" if shape.function is None else f"line {shape.function.start_point[0] + 1}"
        return f"`{handler.name}` is made by `{shape.wrapper}`, which returns a function of {params} ({where})"
    if is_async(shape.function):
        unused = f" (`{callback}` is never used)" if callback else ""
        return f"`{handler.name}` is async but declares {params}{unused}, and the runtime decides by the declared parameters"
    return f"`{handler.name}` is a callback handler: {_LEAK}"


def _init_finding(context, where, detail: str, runtime: str | None, fixes=()) -> Finding:
    """The finding, as a warning that says what Node.js 24 will do, or on nodejs24.x an error that says it fails."""
    message = f"{detail}; Node.js 24 treats it as a callback handler and fails at init with {INIT_ERROR}"
    return escalate_init(context.finding(RULE, where, message, fixes), runtime, detail)


def _style_finding(context, handler) -> Finding | None:
    """A callback-style function behind a wrapper this analysis cannot see into (the wrapper decides
    what the runtime gets, so this is about the style, not about init)."""
    callback = handler.callback_parameter()
    if callback is None or is_async(handler.function) or handler.wrapper == "middy":
        return None
    names = parameter_names(handler.function)
    fix = convert_to_async(context, handler.function, callback, names[1] if len(names) > 1 else None)
    where = handler.function.child_by_field_name("parameters") or handler.function
    return context.finding(
        RULE, where, f"`{handler.name}` is a callback handler: {_LEAK}, and Node.js 24 no longer runs callback handlers",
        (fix,),
    )


def check(context) -> Iterator[Finding]:
    for handler in context.handlers:
        shape = exported_arity(context.module, handler, _imported_arity(context))
        if shape is None or shape.wrapper:
            style = _style_finding(context, handler)
            if style is not None:
                yield style
        if shape is None or shape.arity < 3 or (not shape.wrapper and _is_mixed(context, handler)):
            continue
        names = parameter_names(shape.function) if shape.function is not None else []
        callback = names[2] if len(names) > 2 else ""
        fix = _fix(context, shape.function, own=not shape.wrapper) if shape.function is not None else None
        detail = _arity_detail(handler, shape, callback)
        yield _init_finding(context, shape.where, detail, handler_runtime(context, handler), (fix,))
    for built in context.built:
        adapter, installed = built.adapter, built.installed
        detail = (
            f"`{built.name}` is made by {adapter.package} {installed.version} ({installed.source}), whose "
            f"{adapter.call} returns a function of 3 parameters: {adapter.upgrade}"
        )
        yield _init_finding(context, built.where, detail, handler_runtime(context, built))
