"""unawaited-coroutine: an `async def` called on the handler path and never awaited; its
body never runs (or runs only if something else schedules it)."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.fixes.python.add_await import add_await
from lambda_leak.python.async_apis import returns_coroutine
from lambda_leak.python.coroutines import calls_coroutine_function
from lambda_leak.python.flow import WaitSpec, origin, track
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="unawaited-coroutine",
    family="python",
    summary="a coroutine is created on the handler path and never awaited",
    fixes=(FixInfo("Add await", False),),
)

# What makes a stored coroutine run: awaiting it, or handing it to asyncio.
COROUTINES = WaitSpec(
    functions=frozenset(
        {
            "asyncio.gather",
            "asyncio.wait",
            "asyncio.wait_for",
            "asyncio.shield",
            "asyncio.run",
            "asyncio.create_task",
            "asyncio.ensure_future",
            "asyncio.as_completed",
            "asyncio.run_coroutine_threadsafe",
        }
    ),
    receiver_methods=frozenset({"run_until_complete", "create_task", "ensure_future", "run", "start_soon"}),
    await_waits=True,
)


def check(context):
    for function in context.functions:
        for call in context.calls(function):
            kind, detail = origin(call)
            if kind not in ("dropped", "bound") or not (calls_coroutine_function(call) or returns_coroutine(call)):
                continue
            name = call.func.as_string()
            if kind == "dropped":
                fixes = (add_await(context, call),) if isinstance(function, nodes.AsyncFunctionDef) else ()
                yield context.finding(
                    RULE,
                    call,
                    f"Coroutine `{name}(...)` is called in {context.in_handler(function)} but never awaited: "
                    "its body never runs. Await it"
                    + ("" if fixes else ", or run it with asyncio.run(...) from synchronous code"),
                    fixes,
                )
                continue
            handle = track(function, {detail}, COROUTINES)
            if handle.escaped or handle.waits:
                continue
            yield context.finding(
                RULE,
                call,
                f"Coroutine `{name}(...)` is stored in `{detail}` in {context.in_handler(function)} and never "
                "awaited: its body never runs",
            )
