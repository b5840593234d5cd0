"""mixed-handler: an async handler that also takes a callback and calls it (or passes it on)."""

from __future__ import annotations

from typing import Iterator

from lambda_leak.fixes.javascript.convert_to_async import callback_settles, convert_to_async
from lambda_leak.javascript.node24 import escalate_init, handler_runtime
from lambda_leak.javascript.syntax import declared_arity, is_async, parameter_names, parameter_nodes
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="mixed-handler",
    family="javascript",
    summary="An async handler also takes and calls a callback",
    fixes=(FixInfo("Convert to async handler", True),),
    severity_note="**error** on `nodejs24.x` and later",
)


def check(context) -> Iterator[Finding]:
    for handler in context.handlers:
        callback = handler.callback_parameter()
        if callback is None or not is_async(handler.function):
            continue
        settles, passed_on = callback_settles(context, handler.function, callback)
        if not settles and not passed_on:
            continue  # declared but never used: harmless
        names = parameter_names(handler.function)
        fix = convert_to_async(context, handler.function, callback, names[1] if len(names) > 1 else None)
        finding = context.finding(
            RULE,
            parameter_nodes(handler.function)[2],
            f"`{handler.name}` is async and also calls `{callback}`: the invocation ends with whichever settles "
            "first, leaving the other's work behind (Node.js 22 and earlier), and Node.js 24 rejects async "
            "handlers that take a callback",
            (fix,),
        )
        if declared_arity(handler.function) >= 3 and not handler.wrapper:
            runtime = handler_runtime(context, handler)
            finding = escalate_init(finding, runtime)
        yield finding
