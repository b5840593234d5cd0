"""SST apps: `sst.config.ts` and the infrastructure files it loads, read statically.

SST v3 (Ion): `new sst.aws.Function(name, { handler: "src/api.handler", runtime })`, the handlers
of `new sst.aws.Cron(name, { function | job })`, of `.route(path, handler)` on API components and
of `.subscribe(handler)` / `.subscribe(name, handler)` on queues, topics, buses and buckets.
SST v2 (`sst/constructs`): `new Function(stack, id, { handler })`, `new Api(stack, id, { routes })`,
`new Cron(stack, id, { job })`, `new Queue(stack, id, { consumer })`, with the runtime of
`app.setDefaultFunctionProps({ runtime })` or the construct's `defaults.function`.
A handler is a string, an object with `handler` (and `runtime`), or `{ function: … }` around one.
Handler paths are relative to the app folder (where sst.config.ts is); SST bundles TypeScript
itself, so `src/api.handler` means src/api.ts. Runtimes are reported only when a file states them."""

from __future__ import annotations

from pathlib import Path

import tree_sitter as ts

from lambda_leak.iac import cdk_js
from lambda_leak.iac.handler_paths import runtime_family
from lambda_leak.iac.model import Declaration, one_line
from lambda_leak.javascript.parser import parse
from lambda_leak.javascript.syntax import text as node_text
from lambda_leak.source import language_for

ORIGIN = "sst"
CONFIG_NAMES = frozenset({"sst.config.ts", "sst.config.js", "sst.config.mjs"})
FUNCTION_PROPS = ("function", "job")  # sst.aws.Cron
SUBSCRIBING_METHODS = frozenset({"subscribe", "subscribeQueue", "notify"})
ROUTE_METHODS = frozenset({"route", "routeUrl"})
V2_MODULE = "sst/constructs"
V2_CONSTRUCTS = {"Function": None, "Api": "routes", "Cron": "job", "Queue": "consumer"}  # construct → prop naming handlers


def app_dir(path: Path, root: Path) -> Path | None:
    """The folder of the sst.config.* at or above `path` (not above `root`)."""
    folder = path.parent
    while True:
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return folder
        if folder == root or folder.parent == folder or root not in folder.parents:
            return None
        folder = folder.parent


def declarations(text: str, path: Path, app: Path) -> list[Declaration]:
    language = language_for(path.name) or "typescript"
    tree = parse(text.encode("utf-8", "surrogatepass"), language)
    reader = cdk_js.StackReader(path, app)
    reader.collect(tree.root_node, language)
    found: list[Declaration] = []
    for node in reader.new_expressions:
        constructor = node_text(node.child_by_field_name("constructor"))
        arguments = reader.arguments(node)
        if constructor == "sst.aws.Function" and len(arguments) >= 2:
            found.extend(_function(reader, arguments[1], node, path, app))
        elif constructor == "sst.aws.Cron" and len(arguments) >= 2:
            props: dict[str, tuple[ts.Node, ts.Node]] = {}
            if reader.read_props(arguments[1], props, 0):
                for name in FUNCTION_PROPS:
                    if name in props:
                        found.extend(_function(reader, props[name][0], props[name][1], path, app))
    for call in _method_calls(tree.root_node):
        method = node_text(call.child_by_field_name("function").child_by_field_name("property"))  # type: ignore[union-attr]
        arguments = reader.arguments(call)
        if method in ROUTE_METHODS and len(arguments) >= 2:
            found.extend(_function(reader, arguments[1], arguments[1], path, app))
        elif method in SUBSCRIBING_METHODS and arguments:
            # Queue.subscribe(subscriber) / SnsTopic.subscribe(name, subscriber): the handler-shaped one
            for argument in arguments[:2]:
                declarations_here = _function(reader, argument, argument, path, app, strict=True)
                if declarations_here:
                    found.extend(declarations_here)
                    break
    found.sort(key=lambda d: d.line)
    return found


def _method_calls(root: ts.Node):
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            if callee is not None and callee.type == "member_expression":
                prop = callee.child_by_field_name("property")
                if prop is not None and node_text(prop) in ROUTE_METHODS | SUBSCRIBING_METHODS:
                    yield node
        stack.extend(node.named_children)


def v2_declarations(text: str, path: Path, app: Path) -> list[Declaration]:
    """SST v2 stacks: constructs imported from `sst/constructs`."""
    language = language_for(path.name) or "typescript"
    tree = parse(text.encode("utf-8", "surrogatepass"), language)
    reader = cdk_js.StackReader(path, app)
    reader.collect(tree.root_node, language)
    default_runtime = _default_runtime(reader, tree.root_node) or _config_default_runtime(path, app)
    found: list[Declaration] = []
    for node in reader.new_expressions:
        qualified = reader.qualify(node.child_by_field_name("constructor")) or ""
        module, _, construct = qualified.rpartition(".")
        arguments = reader.arguments(node)
        if module != V2_MODULE or construct not in V2_CONSTRUCTS or len(arguments) < 3:
            continue
        props: dict[str, tuple[ts.Node, ts.Node]] = {}
        if not reader.read_props(arguments[2], props, 0):
            continue
        runtime = _defaults_runtime(reader, props) or default_runtime
        prop = V2_CONSTRUCTS[construct]
        if prop is None:
            found.extend(_function(reader, arguments[2], node, path, app, default_runtime=runtime))
        elif prop == "routes" and prop in props:
            routes: dict[str, tuple[ts.Node, ts.Node]] = {}
            if reader.read_props(props[prop][0], routes, 0):
                for value, pair in routes.values():
                    found.extend(_function(reader, value, pair, path, app, default_runtime=runtime))
        elif prop in props:
            found.extend(_function(reader, props[prop][0], props[prop][1], path, app, default_runtime=runtime))
    found.sort(key=lambda d: d.line)
    return found


def _default_runtime(reader: cdk_js.StackReader, root: ts.Node) -> str | None:
    """`app.setDefaultFunctionProps({ runtime: "python3.11" })` in this file."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            prop = callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" else None
            arguments = reader.arguments(node)
            if prop is not None and node_text(prop) == "setDefaultFunctionProps" and arguments:
                props: dict[str, tuple[ts.Node, ts.Node]] = {}
                if reader.read_props(arguments[0], props, 0) and "runtime" in props:
                    return reader.string(props["runtime"][0])
        stack.extend(node.named_children)
    return None


def _config_default_runtime(path: Path, app: Path) -> str | None:
    """The app-wide default, usually set in sst.config.ts rather than in the stack files."""
    for name in sorted(CONFIG_NAMES):
        config = app / name
        if config != path and config.is_file():
            try:
                data = config.read_bytes()
            except OSError:
                return None
            if b"setDefaultFunctionProps" not in data:
                return None
            reader = cdk_js.StackReader(config, app)
            language = language_for(config.name) or "typescript"
            tree = parse(data, language)
            reader.collect(tree.root_node, language)
            return _default_runtime(reader, tree.root_node)
    return None


def _defaults_runtime(reader: cdk_js.StackReader, props: dict[str, tuple[ts.Node, ts.Node]]) -> str | None:
    """`defaults: { function: { runtime } }` on an Api, Queue, …"""
    if "defaults" not in props:
        return None
    defaults: dict[str, tuple[ts.Node, ts.Node]] = {}
    function: dict[str, tuple[ts.Node, ts.Node]] = {}
    if reader.read_props(props["defaults"][0], defaults, 0) and "function" in defaults:
        if reader.read_props(defaults["function"][0], function, 0) and "runtime" in function:
            return reader.string(function["runtime"][0])
    return None


def _function(reader: cdk_js.StackReader, value: ts.Node, where: ts.Node, path: Path, app: Path, strict: bool = False,
              default_runtime: str | None = None, depth: int = 0) -> list[Declaration]:
    """A handler given as a string, as `{ handler, runtime }` or as `{ function: … }` around one;
    `strict`: only handler-shaped strings."""
    line = where.start_point[0]
    literal = reader.string(value)
    if literal is not None:
        if strict and ("." not in literal or " " in literal):
            return []
        return [_declaration(literal, default_runtime, path, line, app)]
    props: dict[str, tuple[ts.Node, ts.Node]] = {}
    if not reader.read_props(value, props, 0):
        return []  # a function built elsewhere (`myFunction.arn`): declared there
    if "handler" not in props:
        if "function" in props and depth < 2:  # v2 route / consumer props: { function: "x.handler", … }
            inner, pair = props["function"]
            return _function(reader, inner, pair, path, app, strict, default_runtime, depth + 1)
        return []
    handler_value, pair = props["handler"]
    runtime = reader.string(props["runtime"][0]) if "runtime" in props else default_runtime
    handler = reader.string(handler_value)
    if not handler:
        return [Declaration("", None, runtime, path, pair.start_point[0], ORIGIN, unresolved=f"handler: {one_line(node_text(handler_value))}")]
    return [_declaration(handler, runtime, path, pair.start_point[0], app)]


def _declaration(handler: str, runtime: str | None, path: Path, line: int, app: Path) -> Declaration:
    family = (runtime_family(runtime) or "other") if runtime else "node"  # SST's default is Node.js; Go, Rust: not read
    return Declaration(handler, app, runtime, path, line, ORIGIN, family=family)
