"""timer-leak: a callback timer started on the path of a handler that does not wait for it."""

from __future__ import annotations

from typing import Iterator

from lambda_leak.fixes.javascript.await_timer import await_timer
from lambda_leak.javascript.fate import settled_by_executor
from lambda_leak.javascript.timers import continues_callback, is_cleared, timer_calls, timer_kind
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="timer-leak",
    family="javascript",
    summary="setTimeout/setInterval/setImmediate outlives the invocation that started it",
    fixes=(FixInfo("Await the timer", False, "`setTimeout` only"),),
)

_WHY = {
    "setTimeout": "its callback runs after the handler has returned: Lambda freezes the timer and it fires "
    "during a later invocation, or never",
    "setImmediate": "its callback runs after the handler has returned: Lambda freezes it and it runs during a "
    "later invocation, or never",
    "setInterval": "it keeps firing after the handler has returned: Lambda freezes it and it fires again "
    "inside later invocations",
}


def check(context) -> Iterator[Finding]:
    module, paths = context.module, context.paths
    for call in timer_calls(module, carried=context.promises.track):  # `track`: an incremental analysis (the language server)
        kind = timer_kind(module, call)
        if kind is None or not paths.on_path(call):
            continue
        if settled_by_executor(call, module) or is_cleared(module, call) or continues_callback(module, call):
            continue
        fix = await_timer(context, call) if kind == "setTimeout" else None
        yield context.finding(RULE, call, f"`{kind}` is not awaited or cleared: {_WHY[kind]}", (fix,))
