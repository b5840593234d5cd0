"""executor-leak: work submitted to a ThreadPoolExecutor/ProcessPoolExecutor on the handler path
whose futures are not waited before return (module-level executors are the classic case)."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.python.flow import Handle, WaitSpec, origin, track, waited_on_every_path, waits_for
from lambda_leak.python.imported import imported_instance_of
from lambda_leak.python.names import is_instance_of
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="executor-leak",
    family="python",
    summary="executor work submitted by the handler is not waited for before it returns",
)

EXECUTORS = frozenset(
    {
        "concurrent.futures.ThreadPoolExecutor",
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.thread.ThreadPoolExecutor",
        "concurrent.futures.process.ProcessPoolExecutor",
    }
)
FUTURES = WaitSpec(
    methods=frozenset({"result", "exception"}),
    functions=frozenset({"concurrent.futures.wait", "concurrent.futures.as_completed", "asyncio.wrap_future"}),
)
MAP_RESULTS = WaitSpec(iteration_waits=True)  # executor.map: consuming the results waits


def _inside_with_of(call: nodes.Call, receiver: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """`with ThreadPoolExecutor() as pool: pool.submit(...)`: leaving the block waits."""
    if not isinstance(receiver, nodes.Name):
        return False
    node = call.parent
    while node is not None and node is not function:
        if isinstance(node, (nodes.With, nodes.AsyncWith)):
            if any(isinstance(v, nodes.AssignName) and v.name == receiver.name for _, v in node.items):
                return True
        node = node.parent
    return False


def _shutdowns(function: nodes.FunctionDef, receiver: nodes.NodeNG) -> list[nodes.NodeNG]:
    """Statements calling `receiver.shutdown()` with waiting (the default)."""
    found = []
    text = receiver.as_string()
    for call in function.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        func = call.func
        if not (isinstance(func, nodes.Attribute) and func.attrname == "shutdown" and func.expr.as_string() == text):
            continue
        wait = call.args[0] if call.args else next((k.value for k in call.keywords or () if k.arg == "wait"), None)
        if isinstance(wait, nodes.Const) and not wait.value:
            continue
        found.append(call.statement())
    return found


def _handle(call: nodes.Call, function: nodes.FunctionDef, spec: WaitSpec) -> Handle | None:
    """The futures of `call` to follow, or None when they are waited at once or escape."""
    kind, detail = origin(call)
    if kind in ("awaited", "iterated"):
        return None
    if kind == "method":
        return Handle() if detail.func.attrname == "add_done_callback" else None
    if kind == "dropped":
        return Handle()
    if kind == "argument":
        if waits_for(detail, spec):
            return None
        func = detail.func
        if isinstance(func, nodes.Attribute) and func.attrname in ("append", "add", "extend") and isinstance(
            func.expr, nodes.Name
        ):
            return track(function, set(), spec, containers={func.expr.name})
        return None
    if kind == "bound":
        return track(function, {detail}, spec)
    if kind == "container":
        return track(function, set(), spec, containers={detail})
    return None


def check(context):
    for function in context.functions:
        for call in context.calls(function):
            func = call.func
            if not (isinstance(func, nodes.Attribute) and func.attrname in ("submit", "map")):
                continue
            receiver = func.expr
            if not (is_instance_of(receiver, EXECUTORS) or imported_instance_of(receiver, EXECUTORS)):
                continue
            if _inside_with_of(call, receiver, function):
                continue
            spec = FUTURES if func.attrname == "submit" else MAP_RESULTS
            handle = _handle(call, function, spec)
            if handle is None or handle.escaped:
                continue
            for statement in _shutdowns(function, receiver):
                handle.waits[statement] = "container"  # shutdown(wait=True) waits for every future
            if waited_on_every_path(call.statement(), function, handle).waited:
                continue
            what = "submitted" if func.attrname == "submit" else "mapped"
            yield context.finding(
                RULE,
                call,
                f"Work {what} to executor `{receiver.as_string()}` in {context.in_handler(function)} is not waited "
                "for before it returns; Lambda freezes the worker, and the work resumes in a later invocation or "
                "never. Wait for the futures (result(), wait(), as_completed()) or use `with` on the executor",
            )
