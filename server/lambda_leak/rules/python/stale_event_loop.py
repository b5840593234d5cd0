"""stale-event-loop: the handler runs each invocation in a new event loop (`asyncio.run(...)`)
while reusing a module-level asyncio object — an aiohttp session, an async client or pool, an
`asyncio.Lock/Queue/Event` — made under an earlier loop. On a warm invocation it is attached
to a closed loop: "attached to a different loop", "Event loop is closed"."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.python.async_apis import FACTORIES
from lambda_leak.python.names import assigned_value, qualified
from lambda_leak.python.paths import reach, resolve
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="stale-event-loop",
    family="python",
    summary="a module-level asyncio object made under one event loop is reused by the next invocation's asyncio.run",
)

# Objects bound to the event loop they are first used (or made) in.
_PRIMITIVES = {
    f"asyncio.{name}": f"an asyncio.{name}"
    for name in ("Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore", "Queue", "PriorityQueue", "LifoQueue")
}
_CLIENTS = {
    "aiohttp.ClientSession": "an aiohttp ClientSession",
    "httpx.AsyncClient": "an httpx AsyncClient",
    "asyncpg.Connection": "an asyncpg connection",
    "asyncpg.Pool": "an asyncpg pool",
    "redis.asyncio.Redis": "a redis.asyncio client",
    "motor.Client": "a motor client",
    "aws.Client": "an aiobotocore client",
}
_RUNS = frozenset({"asyncio.run", "asyncio.runners.run"})


def _loop_bound(value: nodes.NodeNG | None) -> str | None:
    """What `value` makes, when it is an object tied to an event loop."""
    while isinstance(value, nodes.Await):
        value = value.value
    if not isinstance(value, nodes.Call):
        return None
    name = qualified(value.func) or ""
    if name in _PRIMITIVES:
        return _PRIMITIVES[name]
    return _CLIENTS.get(FACTORIES.get(name, ""))


def _module_names(
    module: nodes.Module, functions: list[nodes.FunctionDef], text: str
) -> dict[str, list[nodes.NodeNG]]:
    """Module-level names: their creation sites, at module level or through `global`."""
    sites: dict[str, list[nodes.NodeNG]] = {}
    for statement in module.body:
        if isinstance(statement, (nodes.Assign, nodes.AnnAssign)):
            targets = statement.targets if isinstance(statement, nodes.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, nodes.AssignName):
                    sites.setdefault(target.name, []).append(target)
    if "global" not in text:
        return sites  # no function binds a module-level name
    for function in functions:
        if function.root() is not module:
            continue
        declared = {n for g in function.nodes_of_class(nodes.Global, skip_klass=nodes.FunctionDef) for n in g.names}
        for target in function.nodes_of_class(nodes.AssignName, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
            if target.name in declared:
                sites.setdefault(target.name, []).append(target)
    return sites


def _fresh_loop_runs(context) -> tuple[nodes.Call | None, set[nodes.FunctionDef]]:
    """The first `asyncio.run(...)` in a synchronous function on the handler path, and every
    function the coroutines handed to `asyncio.run` reach: what runs in a new loop each time."""
    first, roots = None, []
    for function in context.functions:
        if isinstance(function, nodes.AsyncFunctionDef):
            continue
        for call in context.calls(function):
            if qualified(call.func) in _RUNS and call.args and isinstance(call.args[0], nodes.Call):
                first = first or call
                roots.extend(resolve(call.args[0].func, classes=False))
    return first, reach(roots, context.known_callees) if roots else set()


def _used_in(name: str, functions: set[nodes.FunctionDef], module: nodes.Module) -> bool:
    for function in functions:
        if function.root() is not module:
            continue
        for node in function.nodes_of_class(nodes.Name, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
            if node.name == name and node.lookup(name)[0] is module:
                return True
    return False


def _lazy_placeholder(site: nodes.NodeNG) -> bool:
    """`_session = None` at module level: the lazily filled cache, not a reset."""
    value = assigned_value(site)
    return site.scope() is site.root() and isinstance(value, nodes.Const) and value.value is None


def check(context):
    if "run(" not in context.source.text:
        return  # no asyncio.run anywhere: nothing to look for
    run, fresh = _fresh_loop_runs(context)
    if run is None:
        return
    for name, sites in _module_names(context.module, sorted(fresh, key=lambda f: f.lineno), context.source.text).items():
        made = [(site, _loop_bound(assigned_value(site))) for site in sites]
        bound = [(site, what) for site, what in made if what]
        others = [site for site, what in made if not what]
        if not bound or not all(_lazy_placeholder(s) for s in others):
            continue  # reset (`_session = None` after use) or rebound to something else: not reused
        if not _used_in(name, fresh, context.module):
            continue
        site, what = bound[0]
        yield context.finding(
            RULE,
            site.parent if isinstance(site.parent, (nodes.Assign, nodes.AnnAssign)) else site,
            f"`{name}` ({what}) is made once and reused by later invocations, but each invocation runs in a "
            f"new event loop (`asyncio.run` at line {run.lineno}): on a warm start it belongs to a closed loop "
            "and fails with 'attached to a different loop' or 'Event loop is closed'. Make it inside the "
            "coroutine for each invocation, or keep one event loop for the whole environment",
        )
