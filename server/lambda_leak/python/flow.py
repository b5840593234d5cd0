"""Is a started thread, submitted future or created task waited for on every path before the
function returns? A structural answer on astroid trees, shared by the leak rules.

An object is followed through the variables it is bound to (`t = Thread(...)`) and the
lists or sets it is put in (`threads.append(t)`). Any use we cannot account for (returned,
stored on an attribute, passed to an unknown function) means it escapes this function:
someone else may wait for it, so we stay silent (precision first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from lambda_leak.python.names import qualified

_ADDERS = frozenset({"append", "add", "extend", "appendleft", "insert", "put", "put_nowait"})
_HARMLESS_CALLS = frozenset({"len", "print", "repr", "str", "id", "isinstance", "bool", "type", "hash"})
_CONSUMING_CALLS = frozenset({"list", "tuple", "set", "sorted", "sum", "any", "all", "dict", "min", "max"})
_LOOPS = (nodes.For, nodes.AsyncFor, nodes.While)
_COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.GeneratorExp, nodes.DictComp)
_SCOPES = (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)


@dataclass(frozen=True)
class WaitSpec:
    """What waits for one kind of object."""

    methods: frozenset[str] = frozenset()  # handle.join(), future.result()
    functions: frozenset[str] = frozenset()  # concurrent.futures.wait(handles), asyncio.gather(*handles)
    receiver_methods: frozenset[str] = frozenset()  # loop.run_until_complete(handle)
    await_waits: bool = False  # `await handle`
    iteration_waits: bool = False  # iterating the handle (executor.map results) waits


@dataclass
class Handle:
    names: set[str] = field(default_factory=set)  # variables bound to the object
    containers: set[str] = field(default_factory=set)  # lists/sets holding it
    waits: dict[nodes.NodeNG, str] = field(default_factory=dict)  # statement -> "name" | "container"
    escaped: bool = False
    module_containers: set[str] = field(default_factory=set)  # module-level lists it was put in
    escaped_otherwise: bool = False  # escaped for another reason than a module-level container


def origin(expr: nodes.NodeNG) -> tuple[str, object]:
    """Where the value of `expr` goes: ("dropped"|"awaited"|"escaped", None), ("method", call),
    ("bound", name), ("container", name), ("argument", call) or ("iterated", for_node)."""
    node, parent = expr, expr.parent
    if isinstance(parent, nodes.Attribute) and isinstance(parent.parent, nodes.Call) and parent.parent.func is parent:
        return "method", parent.parent
    if isinstance(parent, nodes.Await):
        return "awaited", None
    if isinstance(parent, nodes.Expr):
        return "dropped", None
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], nodes.AssignName):
            return "bound", targets[0].name
        return "escaped", None
    if isinstance(parent, nodes.NamedExpr) and parent.value is node:
        return "bound", parent.target.name
    if isinstance(parent, nodes.Keyword):
        return ("argument", parent.parent) if isinstance(parent.parent, nodes.Call) else ("escaped", None)
    if isinstance(parent, nodes.Call) and node in parent.args:
        return "argument", parent
    if (
        isinstance(parent, (nodes.List, nodes.Tuple, nodes.Set, nodes.Starred))
        or (isinstance(parent, _COMPREHENSIONS) and getattr(parent, "elt", None) is node)
        or (isinstance(parent, nodes.DictComp) and parent.key is node)  # {pool.submit(f, x): x for x in xs}
    ):
        kind, detail = origin(parent)
        if kind == "bound":
            return "container", detail
        return (kind, detail) if kind in ("argument", "awaited", "dropped") else ("escaped", None)
    if isinstance(parent, (nodes.For, nodes.AsyncFor)) and parent.iter is node:
        return "iterated", parent
    if isinstance(parent, nodes.Comprehension) and parent.iter is node:
        return "iterated", parent
    return "escaped", None


def waits_for(call: nodes.Call, spec: WaitSpec) -> bool:
    """Whether handing an object to `call` waits for it."""
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname in spec.receiver_methods:
        return True
    name = qualified(func)
    if name and name in spec.functions:
        return True
    if spec.iteration_waits and isinstance(func, nodes.Name) and func.name in _CONSUMING_CALLS:
        return True
    return False


def _loop_waits_variable(loop: nodes.NodeNG, spec: WaitSpec) -> bool:
    """`for t in threads: t.join()` or `[f.result() for f in futures]`: the loop variable is waited."""
    if isinstance(loop, nodes.Comprehension):
        target, scope = loop.target, loop.parent
        body = [getattr(scope, "elt", None), getattr(scope, "value", None)]
    else:
        target, body = loop.target, loop.body
    if not isinstance(target, nodes.AssignName):
        return False
    inner = Handle(names={target.name})
    for statement in body:
        if statement is not None:
            _collect(statement, inner, spec)
    return bool(inner.waits) and not inner.escaped


def _classify(name: nodes.Name, handle: Handle, spec: WaitSpec, is_container: bool) -> None:
    kind, detail = origin(name)
    statement = name.statement()
    label = "container" if is_container else "name"
    if kind == "method":
        method = detail.func.attrname
        if not is_container and method in spec.methods:
            handle.waits[statement] = label
        elif is_container and method in ("pop", "popleft", "get", "copy"):
            handle.escaped = True  # an element leaves the container: someone else may wait
    elif kind == "awaited":
        if spec.await_waits:
            handle.waits[statement] = label
    elif kind == "argument":
        call = detail
        if waits_for(call, spec):
            handle.waits[statement] = label
        elif isinstance(call.func, nodes.Attribute) and call.func.attrname in _ADDERS and isinstance(
            call.func.expr, nodes.Name
        ):
            handle.containers.add(call.func.expr.name)  # _collect rescans for the container's uses
        elif not (isinstance(call.func, nodes.Name) and call.func.name in _HARMLESS_CALLS):
            handle.escaped = True
    elif kind == "iterated":
        if (spec.iteration_waits and not is_container) or _loop_waits_variable(detail, spec):
            handle.waits[detail if isinstance(detail, nodes.For) else statement] = label
    elif kind == "escaped":
        parent = name.parent
        if isinstance(parent, (nodes.Compare, nodes.BoolOp, nodes.UnaryOp, nodes.If, nodes.While, nodes.Delete)):
            return  # `if t:`, `t is None`
        if isinstance(parent, (nodes.Attribute, nodes.AssignAttr)):
            return  # `t.daemon = True`, `t.name`
        handle.escaped = True


def _collect(scope: nodes.NodeNG, handle: Handle, spec: WaitSpec) -> None:
    while True:
        known = set(handle.containers)
        for name in scope.nodes_of_class(nodes.Name, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
            if name.name in handle.names:
                _classify(name, handle, spec, False)
            elif name.name in handle.containers:
                _classify(name, handle, spec, True)
        if handle.containers == known:
            return


def track(function: nodes.FunctionDef, names: set[str], spec: WaitSpec, containers: set[str] = frozenset()) -> Handle:
    """Follow variables (and containers) holding an object through `function`."""
    handle = Handle(names=set(names), containers=set(containers))
    module_level = [n for n in handle.names | handle.containers if n not in function.locals]
    if module_level or _captured_by_nested(function, handle.names | handle.containers):
        handle.escaped = True  # globals and closures: someone else may wait
        return handle
    _collect(function, handle, spec)
    handle.escaped_otherwise = handle.escaped
    handle.module_containers = {c for c in handle.containers if c not in function.locals}
    if handle.module_containers:
        handle.escaped = True
    return handle


def _captured_by_nested(function: nodes.FunctionDef, names: set[str]) -> bool:
    for inner in function.nodes_of_class((nodes.FunctionDef, nodes.Lambda)):
        if inner is function:
            continue
        if any(n.name in names for n in inner.nodes_of_class(nodes.Name)):
            return True
    return False


# --- every path ---------------------------------------------------------------------------------


def _guards(test: nodes.NodeNG, handle: Handle) -> bool:
    """`if t:`, `if t is not None:`, `if t.is_alive():` only skip the wait when there is nothing to wait."""
    names = {n.name for n in test.nodes_of_class(nodes.Name)}
    return bool(names) and names <= handle.names | handle.containers


def unconditional(statement: nodes.NodeNG, handle: Handle) -> bool:
    if statement in handle.waits:
        return True
    if isinstance(statement, (nodes.With, nodes.AsyncWith)):
        return block_waits(statement.body, handle)
    if isinstance(statement, nodes.Try):
        return block_waits(statement.body, handle) or block_waits(statement.finalbody, handle)
    if isinstance(statement, nodes.While) and _guards(statement.test, handle):
        return block_waits(statement.body, handle)  # `while t.is_alive(): t.join(1)`
    if isinstance(statement, nodes.If):
        if _guards(statement.test, handle):
            return block_waits(statement.body, handle)
        return bool(statement.orelse) and block_waits(statement.body, handle) and block_waits(statement.orelse, handle)
    return False


def block_waits(block: list, handle: Handle) -> bool:
    for statement in block:
        if unconditional(statement, handle):
            return True
        if isinstance(statement, (nodes.Return, nodes.Raise)):
            return False
    return False


def _sub_blocks(statement: nodes.NodeNG) -> list[list]:
    blocks = []
    for attribute in ("body", "orelse", "handlers", "finalbody"):
        value = getattr(statement, attribute, None)
        if isinstance(value, list) and value:
            blocks.append(value)
    if isinstance(statement, nodes.Match):
        blocks.extend(case.body for case in statement.cases)
    return blocks


def returns_unwaited(block: list, handle: Handle) -> bool:
    """Whether some `return` in `block` is reached before any wait."""
    for statement in block:
        if unconditional(statement, handle):
            return False
        if isinstance(statement, nodes.Return):
            return statement not in handle.waits  # `return future.result()` waits
        if isinstance(statement, _SCOPES):
            continue
        if isinstance(statement, nodes.Try) and block_waits(statement.finalbody, handle):
            continue
        if any(returns_unwaited(b, handle) for b in _sub_blocks(statement)):
            return True
    return False


def _locate(node: nodes.NodeNG) -> tuple[nodes.NodeNG, list, int] | None:
    parent = node.parent
    for attribute in ("body", "orelse", "handlers", "finalbody"):
        block = getattr(parent, attribute, None)
        if isinstance(block, list):
            for index, item in enumerate(block):
                if item is node:
                    return parent, block, index
    if isinstance(parent, nodes.MatchCase):
        return parent, parent.body, parent.body.index(node)
    return None


@dataclass(frozen=True)
class Verdict:
    waited: bool
    only_last: bool = False  # started in a loop, but only the last one is waited


def waited_on_every_path(anchor: nodes.NodeNG, function: nodes.FunctionDef, handle: Handle) -> Verdict:
    """Is `handle` waited after `anchor` (the statement that started it) on every path to return?"""
    between: list = []
    crossed_loop = False
    node = anchor
    while node is not function:
        located = _locate(node)
        if located is None:
            node = node.parent
            if node is None:
                break
            continue
        parent, block, index = located
        for statement in block[index + 1 :]:
            if unconditional(statement, handle):
                leaks = any(returns_unwaited([s], handle) for s in between)
                only_last = crossed_loop and not _container_waited(statement, handle)
                return Verdict(not leaks and not only_last, only_last)
            between.append(statement)
        if isinstance(parent, nodes.Try) and block is not parent.finalbody and block_waits(parent.finalbody, handle):
            return Verdict(True)
        if isinstance(parent, _LOOPS) and block is parent.body:
            crossed_loop = True
        node = parent
    return Verdict(False)


def _container_waited(statement: nodes.NodeNG, handle: Handle) -> bool:
    if handle.waits.get(statement) == "container":
        return True
    return any(handle.waits.get(s) == "container" for s in statement.nodes_of_class(nodes.NodeNG) if s in handle.waits)


def waited_anywhere(module: nodes.Module, container: str, spec: WaitSpec, or_taken: bool = False) -> bool:
    """Whether any code in the module waits for what a module-level container holds (with
    `or_taken`: or takes it out, `pop()`, or hands the container on: someone may wait)."""
    handle = Handle(containers={container})
    for name in module.nodes_of_class(nodes.Name):
        if name.name == container:
            _classify(name, handle, spec, True)
    return bool(handle.waits) or (or_taken and handle.escaped)
