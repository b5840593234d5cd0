"""Started-but-never-waited objects (threads, timers, processes): the logic the three
`start()`/`join()` rules share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from lambda_leak.python.context import PythonContext
from lambda_leak.python.flow import Handle, WaitSpec, block_waits, origin, track, waited_anywhere, waited_on_every_path
from lambda_leak.python.imported import constructs_across
from lambda_leak.python.wrappers import wrapped_calls


@dataclass(frozen=True)
class Leak:
    function: nodes.FunctionDef
    node: nodes.NodeNG  # the `.start()` call
    kind: str  # "unreferenced" | "never" | "not-waited" | "only-last" | "on-raise" | "module-list"
    container: str = ""  # for "module-list": the module-level list holding it


def _start_call(function: nodes.FunctionDef, name: str, after: int) -> nodes.Call | None:
    for call in function.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        func = call.func
        if (
            isinstance(func, nodes.Attribute)
            and func.attrname == "start"
            and isinstance(func.expr, nodes.Name)
            and func.expr.name == name
            and call.lineno >= after
        ):
            return call
    return None


def _start_loop(function: nodes.FunctionDef, container: str) -> tuple[nodes.NodeNG, nodes.Call] | None:
    """`for t in threads: t.start()` (or a comprehension doing the same): (the loop, the start call)."""
    for loop in function.nodes_of_class((nodes.For, nodes.Comprehension), skip_klass=(nodes.FunctionDef,)):
        if not (isinstance(loop.iter, nodes.Name) and loop.iter.name == container):
            continue
        if isinstance(loop.target, nodes.AssignName):
            scope = loop if isinstance(loop, nodes.For) else loop.parent
            start = _start_call(scope, loop.target.name, 0)
            if start is not None:
                return scope.statement(), start
    return None


def started_and_not_waited(context: PythonContext, classes: frozenset[str], spec: WaitSpec) -> Iterator[Leak]:
    for function in context.functions:
        for call in context.calls(function):
            if not constructs_across(call, classes):
                continue
            kind, detail = origin(call)
            if kind == "method":
                if detail.func.attrname == "start":
                    yield Leak(function, detail, "unreferenced")
                continue
            if kind == "bound":
                handle = track(function, {detail}, spec)
                start = _start_call(function, detail, call.lineno)
                anchor = start.statement() if start else None
            elif kind == "container":
                handle = track(function, set(), spec, containers={detail})
                anchor, start = _start_loop(function, detail) or (None, None)
            else:
                continue
            if start is None:
                continue  # not started here
            if handle.escaped:
                if _kept_forever(handle, context, spec):
                    yield Leak(function, start, "module-list", min(handle.module_containers))
                continue  # handed to someone who may wait
            verdict = waited_on_every_path(anchor, function, handle)
            if not verdict.waited:
                kind = "only-last" if verdict.only_last else "not-waited" if handle.waits else "never"
                yield Leak(function, start, kind)
            elif _raise_skips_wait(anchor, function, handle):
                yield Leak(function, start, "on-raise")


def _kept_forever(handle: Handle, context: PythonContext, spec: WaitSpec) -> bool:
    """Kept only in module-level lists (`WORKERS.append(t)`) that no code of the module waits for."""
    if handle.escaped_otherwise or not handle.module_containers:
        return False
    return not any(
        waited_anywhere(context.module, c, spec, or_taken=True) or _used_unseen(context, c)
        for c in handle.module_containers
    )


def _used_unseen(context: PythonContext, name: str) -> bool:
    """Whether the text uses `name` more often than the tree shows: bodies pruned before
    parsing (see `pruning`) may drain the list, so stay silent."""
    in_text = len(re.findall(rf"\b{re.escape(name)}\b", context.source.text))
    in_tree = sum(1 for n in context.module.nodes_of_class((nodes.Name, nodes.AssignName)) if n.name == name)
    return in_text > in_tree


_BROAD = frozenset({None, "Exception", "BaseException"})


def _catches_and_waits(try_: nodes.Try, handle: Handle) -> bool:
    """An `except Exception:` that waits, or that swallows the error so the wait after the
    `try` still runs."""
    for handler in try_.handlers:
        caught = handler.type.as_string() if handler.type is not None else None
        if caught in _BROAD and (
            block_waits(handler.body, handle) or not any(isinstance(s, nodes.Raise) for s in handler.body)
        ):
            return True
    return False


def _protected(call: nodes.Call, function: nodes.FunctionDef, handle: Handle) -> bool:
    node = call
    while node is not function and node.parent is not None:
        parent = node.parent
        if isinstance(parent, nodes.Try) and node in parent.body:
            if block_waits(parent.finalbody, handle) or _catches_and_waits(parent, handle):
                return True
        node = parent
    return False


def _raise_skips_wait(anchor: nodes.NodeNG, function: nodes.FunctionDef, handle: Handle) -> bool:
    """In a wrapper, the wrapped handler is called after the start and before the wait,
    outside a `try` whose `finally` (or `except`) waits: when the handler raises, the timer
    or thread is left running into the next invocation."""
    waits = [s.lineno for s in handle.waits if s.lineno > anchor.lineno]
    if not waits:
        return False
    first_wait = min(waits)
    return any(
        anchor.lineno < call.lineno < first_wait and not _protected(call, function, handle)
        for call in wrapped_calls(function)
    )


def findings(context: PythonContext, rule, classes: frozenset[str], spec: WaitSpec, noun: str, waited: str, why: str):
    """The findings of a start/join rule; `noun` is "Thread", `waited` is "joined", `why` ends the message."""
    where = context.in_handler
    for leak in started_and_not_waited(context, classes, spec):
        if leak.kind == "unreferenced":
            text = f"{noun} started in {where(leak.function)} without keeping a reference, so it is never {waited}"
        elif leak.kind == "never":
            text = f"{noun} started in {where(leak.function)} is never {waited}"
        elif leak.kind == "module-list":
            text = f"{noun} started in {where(leak.function)} is kept in module-level `{leak.container}` and never {waited}"
        elif leak.kind == "on-raise":
            text = (
                f"{noun} started in {where(leak.function)} is not {waited} when the wrapped handler raises "
                f"(stop it in a `finally`)"
            )
        elif leak.kind == "only-last":
            text = f"{noun}s started in a loop in {where(leak.function)}: only the last one is {waited}"
        else:
            text = f"{noun} started in {where(leak.function)} is not {waited} on every path before it returns"
        yield context.finding(rule, leak.node, f"{text}; {why}")
