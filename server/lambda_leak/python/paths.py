"""The handler path: the handler plus every function and coroutine it calls or hands over
(as a thread target, a callback, an `asyncio.run` argument), transitively, in its module
and in the project modules it imports from.
"""

from __future__ import annotations

import ast
import os
from typing import Iterable, Iterator

from astroid import nodes

from lambda_leak.python import parsing, project, pruning
from lambda_leak.python.names import assigned_value, bindings, local_definition, qualified

MAX_FUNCTIONS = 5000
_SKIP = (nodes.FunctionDef, nodes.ClassDef)


def _entry_methods(klass: nodes.ClassDef) -> list[nodes.FunctionDef]:
    """What instantiating (or calling) a class runs."""
    methods = []
    for name in ("__init__", "__post_init__", "__call__", "__enter__", "__aenter__"):
        found = klass.locals.get(name)
        if found and isinstance(found[-1], nodes.FunctionDef):
            methods.append(found[-1])
    return methods


def _member(container: nodes.NodeNG, names: list[str]) -> list[nodes.FunctionDef]:
    """Follow `names` (`["func"]`, `["Class", "method"]`) through a module's or class's definitions."""
    node = container
    for name in names:
        name = name.removesuffix("()")
        found = node.locals.get(name) if hasattr(node, "locals") else None
        if not found:
            return []
        node = found[-1]
        if isinstance(node, nodes.FunctionDef):
            break
    if isinstance(node, nodes.FunctionDef):
        return [node]
    if isinstance(node, nodes.ClassDef):
        return _entry_methods(node)
    return []


def _imported(expr: nodes.NodeNG, dead_ends: bool = True) -> list[nodes.FunctionDef]:
    """Functions of another project module that `expr` names (`from .util import send`);
    without `dead_ends`, none of a module that is one (see `dead_end`)."""
    name = qualified(expr)
    importer = expr.root().file
    if not name or not importer:
        return []
    head, _, method = name.partition("().")  # an instance of an imported class: `client.fetch`
    resolved = project.resolve_qualified(head, importer)
    if resolved is None:
        return []
    file, rest = resolved
    if not dead_ends and dead_end(file):
        return []
    module = parsing.parse_file(file)
    if module is None:
        return []
    return _member(module, rest + ([method.split(".")[0]] if method else []))


def enclosing_class(node: nodes.NodeNG) -> nodes.ClassDef | None:
    function = node.scope()
    while function is not None and not isinstance(function, nodes.FunctionDef):
        function = function.parent.scope() if function.parent else None
    if function is not None and isinstance(function.parent, nodes.ClassDef):
        return function.parent
    return None


def dead_end(file: str) -> bool:
    """Whether a project module is a dead end for a handler path: it mentions no leak API and
    none of its imports can name a project module (every name a function there resolves comes
    from an import, and `module_file` finds nothing whose first part is not in a root), so the
    functions reached in it start nothing and lead nowhere else. Read from its text and `ast`,
    without an astroid tree; one answer per file and run."""
    facts = project.current()
    found = facts.dead_ends.get(file)
    if found is None:
        found = facts.dead_ends[file] = _dead_end(file, facts)
    return found


def _dead_end(file: str, facts) -> bool:
    text = facts.text(file)
    if text is None:
        return True  # `parse_file` builds no tree of it either
    if pruning.mentions_trigger(text):
        return False
    try:
        tree = ast.parse(text.replace("\r\n", "\n"), file)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # nor of this: astroid parses with `ast`
    roots = facts.roots(file)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return False
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if any(facts.exists(os.path.join(r, top)) or facts.is_file(os.path.join(r, top + ".py")) for r in roots):
                return False
    return True


def resolve(expr: nodes.NodeNG, classes: bool = True, dead_ends: bool = True) -> list[nodes.FunctionDef]:
    """The functions a name or attribute refers to, when they are defined in the project;
    with `classes`, a class stands for the methods instantiating it runs; without `dead_ends`,
    not those of a project module that is one."""
    if isinstance(expr, nodes.Name):
        local = local_definition(expr)
        if isinstance(local, nodes.FunctionDef):
            return [local]
        if isinstance(local, nodes.ClassDef):
            return _entry_methods(local) if classes else []
        if any(isinstance(b, (nodes.Import, nodes.ImportFrom)) for b in bindings(expr, expr.name)):
            return _imported(expr, dead_ends)
        return []
    if not isinstance(expr, nodes.Attribute):
        return []
    receiver = expr.expr
    if isinstance(receiver, nodes.Call):  # `Service().run()`
        klass = local_definition(receiver.func)
        return _member(klass, [expr.attrname]) if isinstance(klass, nodes.ClassDef) else []
    if isinstance(receiver, nodes.Name):
        if receiver.name in ("self", "cls"):
            klass = enclosing_class(expr)
            return _member(klass, [expr.attrname]) if klass else []
        local = local_definition(receiver)
        if isinstance(local, nodes.ClassDef):
            return _member(local, [expr.attrname])
        for binding in bindings(receiver, receiver.name):
            if isinstance(binding, nodes.AssignName):
                value = assigned_value(binding)
                if isinstance(value, nodes.Call):
                    klass = local_definition(value.func)
                    if isinstance(klass, nodes.ClassDef):
                        return _member(klass, [expr.attrname])
    return _imported(expr, dead_ends)


def _spelling(node: nodes.Name | nodes.Attribute) -> str:
    """How the source spells a name or `receiver.attribute` (`as_string` only where it must)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node.expr, nodes.Name):
        return f"{node.expr.name}.{node.attrname}"
    return node.as_string()


def callees(function: nodes.FunctionDef, dead_ends: bool = True) -> Iterator[nodes.FunctionDef]:
    seen_names: set[tuple[str, str]] = set()
    for node in function.nodes_of_class((nodes.Name, nodes.Attribute), skip_klass=_SKIP):
        if isinstance(node, nodes.Attribute) and not isinstance(node.expr, (nodes.Name, nodes.Call)):
            continue
        key = (type(node).__name__, _spelling(node))
        if key in seen_names:
            continue
        seen_names.add(key)
        yield from resolve(node, dead_ends=dead_ends)  # nested functions run only when referenced: covered here



def reach(roots: Iterable[nodes.FunctionDef], known: dict | None = None, dead_ends: bool = True) -> set[nodes.FunctionDef]:
    """Every function reached from `roots`; `known` keeps each function's callees for the next
    walk of the same analysis (a rule walking part of the handler path again). Without
    `dead_ends`, the functions of dead-end modules are left out: for a walk that keeps only the
    functions of the module it starts in."""
    known = {} if known is None else known
    seen: set[nodes.FunctionDef] = set()
    stack = list(roots)
    while stack and len(seen) < MAX_FUNCTIONS:
        function = stack.pop()
        if function in seen:
            continue
        seen.add(function)
        entry = function if dead_ends else (function, False)  # the two walks' callee lists differ
        found = known.get(entry)
        if found is None:
            found = known[entry] = list(callees(function, dead_ends))
        stack.extend(f for f in found if f not in seen)
    return seen


def all_functions(module: nodes.Module) -> set[nodes.FunctionDef]:
    return set(module.nodes_of_class(nodes.FunctionDef))
