"""Is a call a call of an `async def`? Resolved through the module and project imports, and
through the assignments of instance attributes (`self.client.fetch()`)."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.python.names import local_definition, qualified
from lambda_leak.python.paths import enclosing_class, resolve

# Decorators that keep an `async def` a coroutine function; any other one might not.
_TRANSPARENT = frozenset({"staticmethod", "classmethod", "functools.wraps", "abc.abstractmethod"})


def is_coroutine_function(function: nodes.NodeNG) -> bool:
    if not isinstance(function, nodes.AsyncFunctionDef):
        return False
    if function.is_generator():  # an async generator: calling it makes no coroutine
        return False
    for decorator in function.decorators.nodes if function.decorators else ():
        name = decorator.name if isinstance(decorator, nodes.Name) else qualified(decorator)
        if name not in _TRANSPARENT:
            return False
    return True


def _instance_class(klass: nodes.ClassDef, attribute: str) -> list[nodes.ClassDef] | None:
    """The classes of this module whose instances `self.<attribute>` holds (`self.store = Store()`
    in a method, or `store = Store()` in the class body); None when any binding is something else."""
    bindings = list(klass.instance_attrs.get(attribute, [])) + [
        b for b in klass.locals.get(attribute, []) if isinstance(b, nodes.AssignName)
    ]
    found = []
    for binding in bindings:
        value = binding.parent.value if isinstance(binding.parent, (nodes.Assign, nodes.AnnAssign)) else None
        target = local_definition(value.func) if isinstance(value, nodes.Call) else None
        if not isinstance(target, nodes.ClassDef):
            return None
        found.append(target)
    return found or None


def _methods(klass: nodes.ClassDef, name: str, seen: set) -> list[nodes.FunctionDef]:
    """`name` looked up on `klass` and then on its bases defined in this module."""
    if klass in seen:
        return []
    seen.add(klass)
    found = klass.locals.get(name)
    if found:
        return [found[-1]] if isinstance(found[-1], nodes.FunctionDef) else []
    for base in klass.bases:
        local = local_definition(base)
        if isinstance(local, nodes.ClassDef):
            methods = _methods(local, name, seen)
            if methods:
                return methods
    return []


def _through_attributes(func: nodes.NodeNG) -> list[nodes.FunctionDef]:
    """What names alone cannot say: `self.client.fetch()`, where `self.client` holds an instance
    of a class of this module (with async methods). Followed through the assignments to the
    attribute, never through astroid inference (which would read other modules)."""
    if not (isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute)):
        return []
    chain = []
    root = func.expr
    while isinstance(root, nodes.Attribute):
        chain.append(root.attrname)
        root = root.expr
    if not (isinstance(root, nodes.Name) and root.name in ("self", "cls")):
        return []
    klass = enclosing_class(func)
    classes = [klass] if klass is not None else []
    for attribute in reversed(chain):
        following: list[nodes.ClassDef] = []
        for current in classes:
            held = _instance_class(current, attribute)
            if held is None:
                return []
            following += held
        classes = following
    return [m for klass in classes for m in _methods(klass, func.attrname, set())] if classes else []


def calls_coroutine_function(call: nodes.Call) -> bool:
    targets = resolve(call.func, classes=False) or _through_attributes(call.func)
    return bool(targets) and all(is_coroutine_function(t) for t in targets)
