"""Is a call a call of an `async def`? Resolved through the module and project imports, with
astroid inference for attributes of instances (`self.client.fetch()`)."""

from __future__ import annotations

from astroid import nodes
from astroid.bases import BoundMethod
from astroid.exceptions import AstroidError
from astroid.util import UninferableBase

from lambda_leak.python import parsing
from lambda_leak.python.names import qualified
from lambda_leak.python.paths import resolve

# Decorators that keep an `async def` a coroutine function; any other one might not.
_TRANSPARENT = frozenset({"staticmethod", "classmethod", "functools.wraps", "abc.abstractmethod"})


def is_coroutine_function(function: nodes.NodeNG) -> bool:
    if isinstance(function, BoundMethod):
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
    if not isinstance(func, nodes.Attribute) or qualified(func.expr):
        return []  # names from imports are resolved without inference (no third-party modules)
    parsing.ensure_inference_ready()
    try:
        values = []
        for value in func.infer():
            if isinstance(value, UninferableBase):
                return []
            values.append(value)
            if len(values) > 4:
                return []
        return values
    except (AstroidError, RecursionError, StopIteration):
        return []


def calls_coroutine_function(call: nodes.Call) -> bool:
    targets = resolve(call.func, classes=False) or _inferred(call.func)
    return bool(targets) and all(is_coroutine_function(t) for t in targets)
