"""dangling-task: an asyncio task created on the handler path and not awaited (or gathered)
before the coroutine or handler finishes."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.python.flow import Handle, WaitSpec, origin, track, waited_anywhere, waited_on_every_path, waits_for
from lambda_leak.python.names import qualified
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="dangling-task",
    family="python",
    summary="an asyncio task created on the handler path is not awaited before it finishes",
)

FACTORIES = frozenset(
    {"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future"}
)
LOOPS = frozenset({"asyncio.get_event_loop()", "asyncio.new_event_loop()", "asyncio.get_running_loop()"})
TASKS = WaitSpec(
    methods=frozenset({"cancel", "result"}),
    functions=frozenset(
        {"asyncio.gather", "asyncio.wait", "asyncio.wait_for", "asyncio.shield", "asyncio.as_completed", "asyncio.run"}
    ),
    receiver_methods=frozenset({"run_until_complete"}),
    await_waits=True,
)


def creates_task(call: nodes.Call) -> bool:
    if qualified(call.func) in FACTORIES:
        return True
    func = call.func
    if not (isinstance(func, nodes.Attribute) and func.attrname in ("create_task", "ensure_future")):
        return False
    loop = func.expr
    if qualified(loop) in LOOPS:
        return True
    name = loop.attrname if isinstance(loop, nodes.Attribute) else getattr(loop, "name", "")
    return name.lower().endswith("loop")


def _handle(call: nodes.Call, function: nodes.FunctionDef, module: nodes.Module) -> Handle | None:
    kind, detail = origin(call)
    if kind == "dropped":
        return Handle()
    if kind == "method":
        return Handle() if detail.func.attrname == "add_done_callback" else None
    if kind == "argument":
        func = detail.func
        if waits_for(detail, TASKS):
            return None
        if isinstance(func, nodes.Attribute) and func.attrname in ("add", "append") and isinstance(
            func.expr, nodes.Name
        ):
            container = func.expr.name
            if container not in function.locals:
                # A module-level set of "background tasks": a leak unless something awaits it.
                return None if waited_anywhere(module, container, TASKS) else Handle()
            return track(function, set(), TASKS, containers={container})
        return None
    if kind == "bound":
        return track(function, {detail}, TASKS)
    if kind == "container":
        return track(function, set(), TASKS, containers={detail})
    return None


def check(context):
    text = context.source.text
    if "create_task" not in text and "ensure_future" not in text:
        return  # every task factory `creates_task` knows is spelled with one of them somewhere
    for function in context.functions:
        for call in context.calls(function):
            if not creates_task(call):
                continue
            handle = _handle(call, function, context.module)
            if handle is None or handle.escaped:
                continue
            if waited_on_every_path(call.statement(), function, handle).waited:
                continue
            if isinstance(function, nodes.AsyncFunctionDef):
                fate = "asyncio.run cancels it when the main coroutine returns, or it stays on the loop"
            else:
                fate = "it stays pending on the event loop"
            yield context.finding(
                RULE,
                call,
                f"Task created in {context.in_handler(function)} is not awaited before it finishes: {fate} "
                "and runs (or dies) during a later invocation. Await it, or `await asyncio.gather(...)` the tasks",
            )
