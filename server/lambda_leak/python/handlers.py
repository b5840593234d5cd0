"""Finding the Lambda handlers of a Python module.

A handler is a module-level function taking `(event, context)` that is named like a handler
(`handler`, `lambda_handler`, `*_handler`, or the configured names), or that wears a Lambda
decorator (Powertools' `@logger.inject_lambda_context`, `@event_source(...)`, any decorator
built with `lambda_handler_decorator`, ...), or that an IaC file names; and module-level
assignments such as `handler = Mangum(app)`. Decorators are resolved through the imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import fnmatch
import re
from functools import lru_cache

from astroid import nodes

from lambda_leak.config import DEFAULT_HANDLER_NAMES
from lambda_leak.python import frameworks
from lambda_leak.python.async_apis import INJECTING_DECORATORS
from lambda_leak.python.names import assigned_value, local_definition, qualified

# Decorators (last attribute of their qualified name) that wrap a function as a Lambda handler.
_POWERTOOLS_DECORATORS = frozenset(
    {"inject_lambda_context", "capture_lambda_handler", "log_metrics", "event_source", "idempotent"}
)
_OTHER_WRAPPERS = frozenset(
    {"datadog_lambda.wrapper.datadog_lambda_wrapper", "lumigo_tracer.lumigo_tracer", "epsagon.lambda_wrapper"}
)
@dataclass
class Handler:
    name: str
    node: nodes.NodeNG  # the FunctionDef, or the Assign of `handler = Mangum(app)`
    origin: str  # "name", "decorator", "assignment" or "iac"
    roots: list[nodes.FunctionDef] = field(default_factory=list)  # where the handler path starts
    routes: list[nodes.FunctionDef] = field(default_factory=list)  # the web app's routes among the roots

    @property
    def line(self) -> int:
        """0-based line of the definition (the `def`, not its decorators)."""
        position = getattr(self.node, "position", None)  # astroid's lineno is the first decorator's
        return (position.lineno if position else self.node.lineno or 1) - 1


def name_matches(name: str, patterns: tuple[str, ...]) -> bool:
    return _pattern(patterns).match(name) is not None


@lru_cache(maxsize=64)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern:
    """The handler-name globs as one compiled regex (fnmatch semantics, case-sensitive)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns) or "(?!)")


# Decorators that call the function with one more argument than Lambda passes the wrapper.
_INJECTING = frozenset(INJECTING_DECORATORS)  # (event, context, metrics)


def takes_event_context(function: nodes.FunctionDef) -> bool:
    arguments = function.args
    positional = list(arguments.posonlyargs or []) + list(arguments.args or [])
    if len(positional) == 3 and function.decorators:
        return any(qualified(d) in _INJECTING for d in function.decorators.nodes)
    if len(positional) != 2:
        return False
    annotations = list(arguments.posonlyargs_annotations or []) + list(arguments.annotations or [])
    return len(annotations) < 2 or _could_be_lambda_context(annotations[1])


_TYPING_PACKAGES = frozenset({"typing", "typing_extensions", "collections", "types"})


def _could_be_lambda_context(annotation: nodes.NodeNG | None) -> bool:
    """`context: ContextTypes.DEFAULT_TYPE` imported from a chat-bot library is not a Lambda
    context, so `async def error_handler(update, context)` is that library's callback. Unknown
    or unannotated types, typing's, the project's own and anything named for Lambda may be."""
    name = qualified(annotation) if annotation is not None else None
    if not name or "lambda" in name.lower() or name.split(".")[0] in _TYPING_PACKAGES:
        return True
    from lambda_leak.python import project

    file = annotation.root().file
    return bool(file and file != "<?>" and project.resolve_qualified(name, file))


def _decorator_target(decorator: nodes.NodeNG) -> nodes.NodeNG:
    return decorator.func if isinstance(decorator, nodes.Call) else decorator


def is_lambda_decorator(decorator: nodes.NodeNG) -> bool:
    target = _decorator_target(decorator)
    name = qualified(target) or ""
    last = name.rsplit(".", 1)[-1].removesuffix("()")
    if name.startswith("aws_lambda_powertools") and last in _POWERTOOLS_DECORATORS:
        return True
    if name in _OTHER_WRAPPERS:
        return True
    # A middleware built with lambda_handler_decorator, in this file or a project module.
    from lambda_leak.python.paths import resolve  # paths needs the project; handlers need not

    for middleware in resolve(target, classes=False):
        if middleware.decorators and any(
            (qualified(_decorator_target(d)) or "").endswith("lambda_handler_decorator")
            for d in middleware.decorators.nodes
        ):
            return True
    return False


def _assignment_handler(module: nodes.Module, assign: nodes.Assign, name: str, declared: bool) -> Handler | None:
    value = assign.value
    if isinstance(value, (nodes.Name, nodes.Attribute)):  # handler = real_handler
        local = local_definition(value)
        if isinstance(local, nodes.FunctionDef):
            return Handler(name, assign, "assignment", [local])
        return None
    if not isinstance(value, nodes.Call):
        return None
    factory = local_definition(value.func)
    if isinstance(factory, nodes.FunctionDef):  # handler = with_retries(real): the wrapper and `real` run
        inner = [n for n in factory.body if isinstance(n, nodes.FunctionDef)]
        wrapped = [f for f in map(local_definition, value.args) if isinstance(f, nodes.FunctionDef)]
        return Handler(name, assign, "assignment", (inner or [factory]) + wrapped)
    if qualified(value.func) in frameworks.ADAPTERS or declared:
        roots = [f for app in value.args for f in frameworks.app_routes(app)]
        return Handler(name, assign, "assignment", roots, routes=list(roots))
    return None


def _imports_adapter(module: nodes.Module) -> bool:
    for statement in module.body:
        if isinstance(statement, nodes.ImportFrom) and statement.modname.startswith(frameworks.ADAPTER_PACKAGES):
            return True
        if isinstance(statement, nodes.Import) and any(n.startswith(frameworks.ADAPTER_PACKAGES) for n, _ in statement.names):
            return True
    return False


def _with_routes(module: nodes.Module, handlers: list[Handler]) -> None:
    """A handler function that hands an app to an adapter (`awsgi.response(app, event, context)`,
    `Mangum(app)(event, context)`) runs the app's routes."""
    if not _imports_adapter(module):
        return
    for handler in handlers:
        if isinstance(handler.node, nodes.FunctionDef):
            routes = [r for app in frameworks.adapter_apps(handler.node) for r in frameworks.app_routes(app)]
            handler.roots += routes
            handler.routes += routes


def named_by_pattern(patterns: tuple[str, ...], declared: set[str]) -> bool:
    """Whether handler-name patterns still name handlers. A deployment file that names this
    module's handlers is the truth: the default name patterns add none (an `async def main` beside
    the declared `app.handler` is a helper). Names the user configured still count, and so do
    Lambda decorators."""
    return not declared or patterns != DEFAULT_HANDLER_NAMES


def discover(module: nodes.Module, patterns: tuple[str, ...], declared: set[str] = frozenset()) -> list[Handler]:
    found: list[Handler] = []
    by_pattern = named_by_pattern(patterns, declared)
    for statement in module.body:
        if isinstance(statement, nodes.FunctionDef):
            if statement.name in declared:
                found.append(Handler(statement.name, statement, "iac", [statement]))
            elif not takes_event_context(statement):
                continue
            elif by_pattern and name_matches(statement.name, patterns) and not statement.name.startswith("test_"):
                found.append(Handler(statement.name, statement, "name", [statement]))
            elif statement.decorators and any(is_lambda_decorator(d) for d in statement.decorators.nodes):
                found.append(Handler(statement.name, statement, "decorator", [statement]))
        elif isinstance(statement, (nodes.Assign, nodes.AnnAssign)):
            targets = statement.targets if isinstance(statement, nodes.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, nodes.AssignName) and (
                    target.name in declared or (by_pattern and name_matches(target.name, patterns))
                ):
                    if assigned_value(target) is None:
                        continue
                    handler = _assignment_handler(module, statement, target.name, target.name in declared)
                    if handler:
                        if target.name in declared:
                            handler.origin = "iac"
                        found.append(handler)
    # A later definition of the same name wins, as it does at run time.
    by_name: dict[str, Handler] = {}
    for handler in found:
        by_name[handler.name] = handler
    kept = _without_helpers(list(by_name.values()))
    _with_routes(module, kept)
    return sorted(kept, key=lambda h: h.line)


def _referenced_names(function: nodes.NodeNG) -> set[str]:
    return {n.name for n in function.nodes_of_class(nodes.Name)}


def _without_helpers(handlers: list[Handler]) -> list[Handler]:
    """A function found only by its name is a helper when another handler of the module calls
    it: `def lambda_handler(event, context): return loop.run_until_complete(main(event, context))`
    makes `main` the coroutine the real handler drives, not a second entry point."""
    if len(handlers) < 2:
        return handlers
    uses = {id(h): set().union(*(_referenced_names(r) for r in h.roots or [h.node])) for h in handlers}

    def helper(handler: Handler) -> bool:
        if handler.origin != "name":
            return False
        return any(
            other is not handler and handler.name in uses[id(other)] and other.name not in uses[id(handler)]
            for other in handlers
        )

    return [h for h in handlers if not helper(h)]
