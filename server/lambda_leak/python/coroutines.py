"""Is a call a call of an `async def`? Resolved through the module and project imports, with
astroid inference for attributes of instances (`self.client.fetch()`)."""

from __future__ import annotations

from astroid import nodes
from astroid.bases import BoundMethod, UnboundMethod
from astroid.exceptions import AstroidError
from astroid.util import UninferableBase

from lambda_leak.python import parsing
from lambda_leak.python.names import qualified
from lambda_leak.python.paths import resolve

# Decorators that keep an `async def` a coroutine function; any other one might not.
_TRANSPARENT = frozenset({"staticmethod", "classmethod", "functools.wraps", "abc.abstractmethod"})


def is_coroutine_function(function: nodes.NodeNG) -> bool:
    while isinstance(function, (BoundMethod, UnboundMethod)):  # a method, inferred through an instance
        function = function._proxied
    if not isinstance(function, nodes.AsyncFunctionDef):
        return False
    if function.is_generator():  # an async generator: calling it makes no coroutine
        return False
    for decorator in function.decorators.nodes if function.decorators else ():
        name = decorator.name if isinstance(decorator, nodes.Name) else qualified(decorator)
        if name not in _TRANSPARENT:
            return False
    return True


def _inferred(func: nodes.NodeNG) -> list:
    """astroid inference, for what names alone cannot say: `self.client.fetch()` where
    `self.client` holds an instance of a class of this module with async methods."""
    if not (isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute)):
        return []
    root = func.expr
    while isinstance(root, nodes.Attribute):
        root = root.expr
    if not (isinstance(root, nodes.Name) and root.name in ("self", "cls")):
        return []
    if not any(isinstance(n, nodes.AsyncFunctionDef) for n in func.root().nodes_of_class(nodes.AsyncFunctionDef)):
        return []
    values = []
    with parsing.local_inference():
        try:
            for value in func.infer():
                if isinstance(value, UninferableBase) or len(values) >= 4:
                    return []
                values.append(value)
        except (AstroidError, RecursionError, StopIteration):
            return []
    return values


def calls_coroutine_function(call: nodes.Call) -> bool:
    targets = resolve(call.func, classes=False) or _inferred(call.func)
    return bool(targets) and all(is_coroutine_function(t) for t in targets)
