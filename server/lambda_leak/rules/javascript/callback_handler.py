"""callback-handler: a handler written in the callback style Node.js 24 removed."""

from __future__ import annotations

from typing import Iterator

from lambda_leak.fixes.javascript.convert_to_async import convert_to_async
from lambda_leak.javascript.syntax import is_async, parameter_names
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="callback-handler",
    family="javascript",
    summary="A handler takes a callback instead of returning a promise",
    fixes=(FixInfo("Convert to async handler", True),),
)


def check(context) -> Iterator[Finding]:
    for handler in context.handlers:
        callback = handler.callback_parameter()
        if callback is None or is_async(handler.function) or handler.wrapper == "middy":
            continue
        names = parameter_names(handler.function)
        fix = convert_to_async(context, handler.function, callback, names[1] if len(names) > 1 else None)
        where = handler.function.child_by_field_name("parameters") or handler.function
        yield context.finding(
            RULE,
            where,
            f"`{handler.name}` is a callback handler: work still pending when `{callback}` is called leaks into the "
            "next invocation unless the runtime waits, and Node.js 24 no longer runs callback handlers",
            (fix,),
        )
