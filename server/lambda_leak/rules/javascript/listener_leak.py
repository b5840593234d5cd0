"""listener-leak: adding an event listener, on every invocation, to an object that outlives it."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.javascript.syntax import (
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    string_value,
    text,
    unwrap,
)
from lambda_leak.model import Finding
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="listener-leak",
    family="javascript",
    summary="A listener added on every invocation to process or a module-scope object",
)
ADDERS = frozenset({"on", "once", "addListener", "prependListener", "prependOnceListener"})
REMOVERS = frozenset({"off", "removeListener", "removeAllListeners"})
GLOBALS = frozenset({"process"})
_LONG_LIVED = frozenset({"instance", "import", "object", "value"})


def _root(node: Node) -> Node | None:
    node = unwrap(node)
    while node.type == "member_expression":
        node = unwrap(node.child_by_field_name("object"))
    return node if node.type == "identifier" else None


def _outlives_invocation(context, root: Node) -> bool:
    """`process`, or a name bound at module scope to an object (not a function or class)."""
    name = text(root)
    bound = context.module.resolve(name, root)
    if bound is None:
        return name in GLOBALS
    if context.module.module_scope.get(name) is not bound or bound.kind not in _LONG_LIVED:
        return False
    if bound.kind == "value":
        value = unwrap(bound.node) if bound.node is not None else None
        return value is not None and value.type in ("call_expression", "new_expression", "await_expression")
    return True


def _reassigned(function: Node, name: str) -> bool:
    for assignment in descendants(function, frozenset({"assignment_expression"})):
        if text(assignment.child_by_field_name("left")) == name:
            return True
    return False


def _guarded(context, call: Node, function: Node) -> bool:
    """Inside `if (!ready) { … }` on module state, or `if (x.listenerCount(…) === 0)`."""
    current = call
    while current is not None and current != function:
        parent = current.parent
        if parent is None:
            break
        condition = None
        if parent.type == "if_statement" and parent.child_by_field_name("condition") != current:
            condition = parent.child_by_field_name("condition")
        elif parent.type == "binary_expression" and parent.child_by_field_name("right") == current:
            condition = parent.child_by_field_name("left")
        elif parent.type == "ternary_expression" and parent.child_by_field_name("condition") != current:
            condition = parent.child_by_field_name("condition")
        if condition is not None and _tests_module_state(context, condition):
            return True
        if parent.type == "statement_block" and _returned_early(context, parent, current):
            return True
        current = parent
    return False


def _tests_module_state(context, condition: Node) -> bool:
    if "listenerCount" in text(condition) or "listeners" in text(condition):
        return True
    for ref in descendants(condition, frozenset({"identifier"})):
        bound = context.module.resolve(text(ref), ref)
        if bound is not None and context.module.module_scope.get(text(ref)) is bound:
            return True
    return False


def _returned_early(context, block: Node, statement: Node) -> bool:
    """`if (cachedConnection) return cachedConnection;` before `statement`: the once-only init pattern."""
    for earlier in block.named_children:
        if earlier == statement:
            return False
        if earlier.type != "if_statement" or earlier.child_by_field_name("alternative") is not None:
            continue
        then = earlier.child_by_field_name("consequence")
        last = then.named_children[-1] if then is not None and then.type == "statement_block" and then.named_children else then
        if last is not None and last.type in ("return_statement", "throw_statement"):
            condition = earlier.child_by_field_name("condition")
            function = enclosing_function(block)
            for ref in descendants(condition, frozenset({"identifier"})):  # module state this function sets
                name = text(ref)
                bound = context.module.resolve(name, ref)
                if bound is not None and context.module.module_scope.get(name) is bound and _reassigned(function, name):
                    return True
    return False


def _removed(context, target: str, function: Node, once_event: str | None) -> bool:
    """Removed again in the same function, or a `once` listener whose event the function emits."""
    for other in context.module.calls_within(function):
        callee = unwrap(other.child_by_field_name("function"))
        if callee.type != "member_expression" or dotted_name(callee.child_by_field_name("object")) != target:
            continue
        method = text(callee.child_by_field_name("property"))
        if method in REMOVERS:
            return True
        if method == "emit" and once_event is not None:
            args = call_arguments(other)
            if args and string_value(args[0]) == once_event:
                return True
    return False


def check(context) -> Iterator[Finding]:
    yield from per_invocation_apps(context)
    module, paths = context.module, context.paths
    for call in module.calls_to_methods(ADDERS):
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type != "member_expression":
            continue
        method = text(callee.child_by_field_name("property"))
        if method not in ADDERS:
            continue
        args = call_arguments(call)
        if len(args) < 2 or not paths.on_path(call, leaky_only=False):
            continue
        if unwrap(args[1]).type in ("string", "template_string", "number"):
            continue  # `events.once(emitter, "x")`, `util.addListener(obj, "x", fn)`: helpers, not listeners
        target = callee.child_by_field_name("object")
        root = _root(target)
        if root is None or not _outlives_invocation(context, root):
            continue
        function = enclosing_function(call)
        if function is None or _reassigned(function, text(root)) or _guarded(context, call, function):
            continue
        event = string_value(args[0])
        if _removed(context, dotted_name(target), function, event if "nce" in method else None):
            continue
        label = f"{dotted_name(target) or text(target)}.{method}({repr(event) if event is not None else '…'})"
        yield context.finding(
            RULE,
            call,
            f"`{label}` adds a listener to an object that outlives the invocation: every warm invocation adds "
            "another (MaxListenersExceededWarning), and old listeners act during later invocations; register it "
            "once at module scope",
        )


# Web apps and servers: made per invocation, each one sets itself up again (middleware, pools,
# process listeners) in the same warm environment.
_APP_MODULES = frozenset({"express", "fastify", "hono", "koa", "@apollo/server", "apollo-server-lambda", "apollo-server-express",
                          "http", "https", "http2", "@nestjs/core", "@hapi/hapi"})
_APP_FACTORIES = frozenset({"default", "express", "fastify", "Fastify", "Hono", "Koa", "ApolloServer", "createServer",
                            "NestFactory", "server", "Server"})


def _app_factory(context, node: Node) -> str:
    """`express()`, `fastify()`, `new Hono()`, `new ApolloServer()`, `http.createServer()`, `NestFactory.create()`."""
    callee = unwrap(node.child_by_field_name("function") or node.child_by_field_name("constructor"))
    name = dotted_name(callee)
    if not name:
        return ""
    head, _, rest = name.partition(".")
    bound = context.module.resolve(head, callee)
    if bound is None or bound.kind != "import" or bound.module.split("#")[0] not in _APP_MODULES:
        return ""
    imported = bound.imported if bound.imported not in ("*", "default") else head
    if rest and rest not in ("createServer", "create", "server"):
        return ""
    if not rest and imported not in _APP_FACTORIES and head not in _APP_FACTORIES:
        return ""
    return name


def _cached(context, node: Node, function: Node) -> bool:
    """`app ??= express()`, `server = server || new ApolloServer()`, `cached = express()` on module state."""
    current = node
    while current is not None and current != function:
        parent = current.parent
        if parent is not None and parent.type in ("assignment_expression", "augmented_assignment_expression"):
            left = parent.child_by_field_name("left")
            root = _root(left) if left is not None else None
            if root is not None and context.module.module_scope.get(text(root)) is context.module.resolve(text(root), root):
                return True
        current = parent
    return False


def per_invocation_apps(context) -> Iterator[Finding]:
    if not any(b.kind == "import" and b.module.split("#")[0] in _APP_MODULES for b in context.module.module_scope.values()):
        return
    for node in [*context.module.calls, *context.module.news]:
        if not context.paths.on_path(node, leaky_only=False):
            continue
        name = _app_factory(context, node)
        if not name:
            continue
        function = enclosing_function(node)
        if function is None or _cached(context, node, function) or _guarded(context, node, function):
            continue
        yield context.finding(
            RULE,
            node,
            f"`{name}` builds a new app or server on every invocation: its setup (middleware, connections, process "
            "listeners) runs again each time and piles up in the warm environment; create it once at module scope",
        )
