"""The `length` of the function a module really exports as a handler — what the Node.js 24 runtime
reads at init. The handler itself when exported as is; the function a project wrapper returns
(`withLogging(async (event) => …)`); or what a third-party adapter builds (see `adapters`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tree_sitter import Node

from lambda_leak.javascript import adapters
from lambda_leak.javascript.handlers import _CHAIN_WRAPPERS, _exports, named_like_handler
from lambda_leak.javascript.module import Binding, JsModule
from lambda_leak.javascript.syntax import FUNCTION_TYPES, declared_arity, unwrap


@dataclass(frozen=True)
class ExportArity:
    arity: int
    function: Node | None  # whose parameters make the length: the handler, or the wrapper's returned
    # function; None when the wrapper lives in another file of the project
    wrapper: str  # "" when the handler is exported as is, else the project wrapper's name
    where: Node  # where to report: the handler's parameters, or the wrapper's name at the export
    wrapper_module: str = ""  # the module specifier of a wrapper imported from another project file


@dataclass(frozen=True)
class BuiltHandler:
    """An export made by a third-party adapter whose pinned version returns a length ≥ 3 handler."""

    name: str
    where: Node
    adapter: adapters.Adapter
    installed: adapters.Installed


def _value_of(module: JsModule, node: Node, depth: int = 0) -> Node | None:
    """An identifier's initial value (`const handler = wrap(fn)`), else the node itself."""
    node = unwrap(node)
    if node.type == "identifier" and depth < 4:
        bound = module.resolve(module.text(node), node)
        if bound is not None and bound.kind == "value" and bound.node is not None:
            return _value_of(module, bound.node, depth + 1)
        if bound is not None and bound.kind == "function":
            return bound.node
    if node.type == "await_expression" and node.named_child_count:
        return _value_of(module, node.named_children[0], depth + 1)
    return node


def _outer_call(module: JsModule, value: Node) -> Node | None:
    """The call that makes the exported value, seen through `.use(...)` chains."""
    value = _value_of(module, value)
    while value is not None and value.type == "call_expression":
        callee = unwrap(value.child_by_field_name("function"))
        if callee.type == "member_expression" and module.text(callee.child_by_field_name("property")) in _CHAIN_WRAPPERS:
            inner = unwrap(callee.child_by_field_name("object"))
            if inner.type == "call_expression":
                value = inner
                continue
        return value
    return None


def _function_binding(module: JsModule, callee: Node) -> Node | None:
    if callee.type != "identifier":
        return None
    bound = module.resolve(module.text(callee), callee)
    if bound is None or bound.node is None:
        return None
    if bound.kind == "function":
        return bound.node
    if bound.kind == "value" and unwrap(bound.node).type in FUNCTION_TYPES:
        return unwrap(bound.node)
    return None


def returned_function(module: JsModule, wrapper: Node) -> Node | None:
    """The function a wrapper returns: `(fn) => async (event, context) => …`, or `return function (…) {…}`
    (also a function declared inside the wrapper and returned by name)."""
    body = wrapper.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        body = unwrap(body)
        return body if body.type in FUNCTION_TYPES else None
    found = None
    for statement in body.named_children:  # a wrapper returns its function from its own top level
        if statement.type != "return_statement" or not statement.named_child_count:
            continue
        value = unwrap(statement.named_children[0])
        if value.type == "identifier":
            bound = module.resolve(module.text(value), value)
            value = bound.node if bound is not None and bound.kind == "function" else None
        if value is not None and value.type in FUNCTION_TYPES:
            if found is None or declared_arity(value) > declared_arity(found):
                found = value
    return found


def _import_of(module: JsModule, callee: Node) -> tuple[Binding, str] | None:
    """(import binding, imported member) for `wrap(...)` or `instana.wrap(...)`."""
    member = ""
    if callee.type == "member_expression":
        member = module.text(callee.child_by_field_name("property"))
        callee = unwrap(callee.child_by_field_name("object"))
    if callee.type != "identifier":
        return None
    bound = module.resolve(module.text(callee), callee)
    if bound is None or bound.kind != "import":
        return None
    return bound, member


def exported_arity(module: JsModule, handler, imported_arity=None) -> ExportArity | None:
    """The exported function's length and where it comes from; None when a package (or something
    this analysis cannot see into) makes the exported function. `imported_arity(binding, member)`
    answers for wrappers imported from other project files (the workspace index)."""
    if handler.streaming:
        return None
    if not handler.wrapper:
        params = handler.function.child_by_field_name("parameters") or handler.function
        return ExportArity(declared_arity(handler.function), handler.function, "", params)
    if handler.value is None:
        return None
    call = _outer_call(module, handler.value)
    if call is None:
        return None
    callee = unwrap(call.child_by_field_name("function"))
    wrapper = _function_binding(module, callee)
    if wrapper is not None:
        returned = returned_function(module, wrapper)
        if returned is None:
            return None
        return ExportArity(declared_arity(returned), returned, module.text(callee), callee)
    imported = _import_of(module, callee)
    if imported is not None and imported_arity is not None and imported[0].module.startswith("."):
        arity = imported_arity(imported[0], imported[1] or None)
        if arity is not None:
            return ExportArity(arity, None, module.text(callee), callee, imported[0].module)
    if imported is not None:
        adapter = adapters.adapter_for(imported[0].module)
        if adapter is not None and adapters.passes_length_on(adapter, adapters.installed(module.source.path, adapter.package)):
            # the export keeps the wrapped function's length
            params = handler.function.child_by_field_name("parameters") or handler.function
            return ExportArity(declared_arity(handler.function), handler.function, "", params)
    return None


def _made_by(module: JsModule, call: Node) -> tuple[adapters.Adapter, Node] | None:
    """The adapter whose factory `call` is: `serverlessExpress({ app })`, `receiver.toHandler()`."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type == "member_expression" and module.text(callee.child_by_field_name("property")) == "toHandler":
        receiver = unwrap(callee.child_by_field_name("object"))
        bound = module.resolve(module.text(receiver), receiver) if receiver.type == "identifier" else None
        if bound is None or bound.kind != "instance" or not bound.constructor:
            return None
        head = bound.constructor.split(".")[0]
        origin = module.resolve(head, receiver)
        adapter = adapters.adapter_for(origin.module) if origin is not None and origin.kind == "import" else None
        return (adapter, callee) if adapter is not None and adapter.factory == "toHandler" else None
    imported = _import_of(module, callee)
    if imported is None:
        return None
    binding, member = imported
    adapter = adapters.adapter_for(binding.module)
    if adapter is None or adapter.factory == "toHandler":
        return None
    name = member or binding.imported
    if adapter.factory == "default" and name not in ("default", "*", "middy"):
        return None
    if adapter.factory != "default" and name != adapter.factory:
        return None
    return adapter, callee


def _handler_member(module: JsModule, value: Node) -> Node | None:
    """`serverlessExpress({ app }).handler`: the object whose `handler` property is exported."""
    value = _value_of(module, value)
    if value is None or value.type != "member_expression" or module.text(value.child_by_field_name("property")) != "handler":
        return None
    return unwrap(value.child_by_field_name("object"))


_ADAPTER_PACKAGES = tuple(adapter.package.encode() for adapter in adapters.ADAPTERS)  # asked of every file


def built_handlers(module: JsModule, path: str, patterns: tuple[str, ...], declared: frozenset[str]) -> list[BuiltHandler]:
    """Exports that a listed adapter makes, where the project pins a version returning length ≥ 3."""
    data = module.source.data
    if not any(package in data for package in _ADAPTER_PACKAGES):
        return []
    found = []
    for name, value, _ in _exports(module):
        if name not in declared and not named_like_handler(name, patterns):
            continue
        member = _handler_member(module, value) if value is not None else None
        call = _outer_call(module, member if member is not None else value) if value is not None else None
        if call is None:
            continue
        made = _made_by(module, call)
        if made is None or (member is not None and not made[0].handler_member):
            continue
        adapter, where = made
        if member is not None:
            adapter = replace(adapter, call=f"{adapter.call}, as `.handler`,")
        installed = adapters.installed(path, adapter.package)
        if installed is not None and adapters.affected(adapter, installed):
            found.append(BuiltHandler(name, where, adapter, installed))
    return found
