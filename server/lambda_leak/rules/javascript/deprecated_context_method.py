"""deprecated-context-method: `context.succeed/fail/done(...)`, removed in the Node.js 24 runtime."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.fixes.javascript.convert_to_async import convert_to_async
from lambda_leak.javascript.node24 import escalate, file_runtime, handler_runtime
from lambda_leak.javascript.syntax import call_arguments, parameter_names, text, unwrap
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="deprecated-context-method",
    family="javascript",
    summary="context.succeed/fail/done ends the invocation early and is gone in Node.js 24",
    fixes=(FixInfo("Convert to async handler", True),),
    severity_note="**error** on `nodejs24.x` and later",
)
METHODS = frozenset({"succeed", "fail", "done"})
# The Lambda context handed on to helpers under these names.
CONTEXT_NAMES = frozenset({"context", "ctx", "lambdaContext", "awsContext"})


def _context_owner(context, call: Node):
    """(function whose parameter the object is, parameter name) for `ctx.succeed(…)`, else None."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression" or text(callee.child_by_field_name("property")) not in METHODS:
        return None
    obj = unwrap(callee.child_by_field_name("object"))
    if obj.type != "identifier":
        return None
    bound = context.module.resolve(text(obj), obj)
    if bound is None or bound.kind != "param" or bound.node is None or bound.node.type == "catch_clause":
        return None
    return bound.node, text(obj)


def _handed_on(context) -> Iterator[Finding]:
    """`lambda.invoke(params, context.done)`, `.then(context.succeed)`: the method passed as a value."""
    data = context.source.data
    if b".done" not in data and b".succeed" not in data and b".fail" not in data:
        return
    for call in context.module.calls:
        for argument in call_arguments(call):
            argument = unwrap(argument)
            if argument.type != "member_expression" or text(argument.child_by_field_name("property")) not in METHODS:
                continue
            obj = unwrap(argument.child_by_field_name("object"))
            bound = context.module.resolve(text(obj), obj) if obj.type == "identifier" else None
            if bound is None or bound.kind != "param" or bound.node is None or bound.node.type == "catch_clause":
                continue
            handler = context.paths.handler_of(bound.node)
            names = parameter_names(bound.node)
            if (names[1:2] != [text(obj)]) if handler is not None else text(obj) not in CONTEXT_NAMES:
                continue
            if not context.paths.on_path(call, leaky_only=False):
                continue
            yield context.finding(
                RULE,
                argument,
                f"`{text(argument)}` is handed on as a callback: when it is called it ends the invocation without "
                "waiting for pending work, which Lambda freezes into a later invocation, and the Node.js 24 runtime "
                "no longer provides it",
            )


def check(context) -> Iterator[Finding]:
    yield from _handed_on(context)
    fixes: dict[Node, object] = {}
    for call in context.module.calls_to_methods(METHODS):
        owner = _context_owner(context, call)
        if owner is None or not context.paths.on_path(call, leaky_only=False):
            continue
        function, name = owner
        handler = context.paths.handler_of(function)
        names = parameter_names(function)
        if handler is not None:
            if len(names) < 2 or names[1] != name:
                continue
        elif name not in CONTEXT_NAMES:
            continue
        if handler is not None and not handler.streaming and function not in fixes:
            fixes[function] = convert_to_async(context, function, handler.callback_parameter(), name)
        method = text(call.child_by_field_name("function").child_by_field_name("property"))
        finding = context.finding(
            RULE,
            call,
            f"`{name}.{method}` ends the invocation without waiting for pending work, which Lambda freezes into a "
            "later invocation, and the Node.js 24 runtime no longer provides it",
            (fixes.get(function) if handler is not None else None,),
        )
        runtime = handler_runtime(context, handler) if handler is not None else file_runtime(context)
        yield escalate(finding, runtime, f"fails on {runtime}: `{name}.{method}` is not a function there (TypeError)")
