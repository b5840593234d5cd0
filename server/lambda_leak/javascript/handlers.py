"""Finding the Lambda entry points of a JavaScript/TypeScript module.

A handler is an exported function (CommonJS or ESM) whose export name matches the
configured handler names or is named by the deployment (SAM, serverless, CDK). Wrappers
such as `middy(fn).use(...)` and `awslambda.streamifyResponse(fn)` are seen through.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from tree_sitter import Node

from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.syntax import (
    CLASS_TYPES,
    FUNCTION_TYPES,
    call_arguments,
    parameter_names,
    unwrap,
)

_CHAIN_WRAPPERS = frozenset({"use", "before", "after", "onError"})
_EVENT_PARAMETERS = frozenset({"event", "evt", "_event", "e", "_e", "_", "ev", "_evt"})


@dataclass(frozen=True)
class JsHandler:
    name: str  # the export name
    function: Node
    export_node: Node  # where it is exported: for --list-handlers and messages
    wrapper: str = ""  # "middy", "streamify", another wrapper's dotted name, or ""
    value: Node | None = None  # the exported expression (`withLogging(async (event) => …)`)

    @property
    def streaming(self) -> bool:
        return self.wrapper == "streamify"

    def callback_parameter(self) -> str | None:
        """The name of the third `callback` parameter of a callback-style handler."""
        names = parameter_names(self.function)
        if self.streaming or len(names) < 3:
            return None
        return names[2] or None


def _exports(module: JsModule) -> list[tuple[str, Node, Node]]:
    """(export name, exported value, statement) for each module-level export (memoised on the module:
    handler discovery, the index's entries and its wrapped imports all ask)."""
    memo = module._exports_memo
    if memo is None:
        memo = module._exports_memo = _find_exports(module)
    return memo


def _find_exports(module: JsModule) -> list[tuple[str, Node, Node]]:
    found: list[tuple[str, Node, Node]] = []
    fields = module.field_ids  # fields read by id: no search by name in tree-sitter
    for statement in module.root.named_children:
        kind = statement.type  # read once: each read makes a new string in tree-sitter's binding
        if kind == "expression_statement":
            expression = unwrap(statement.named_children[0]) if statement.named_child_count else None
            if expression is None or expression.type != "assignment_expression":
                continue
            target = module.dotted(expression.child_by_field_id(fields.left))
            value = expression.child_by_field_id(fields.right)
            if value is None:
                continue
            if target.startswith("exports.") and target.count(".") == 1:
                found.append((target.split(".")[1], value, statement))
            elif target.startswith("module.exports.") and target.count(".") == 2:
                found.append((target.split(".")[2], value, statement))
            elif target == "module.exports" and unwrap(value).type == "object":
                for member in unwrap(value).named_children:
                    if member.type == "shorthand_property_identifier":
                        found.append((module.text(member), member, statement))
                    elif member.type == "pair":
                        found.append((module.text(member.child_by_field_id(fields.key)).strip("'\""), member.child_by_field_id(fields.value), statement))
                    elif member.type == "method_definition":
                        found.append((module.text(member.child_by_field_id(fields.name)), member, statement))
        elif kind == "export_statement":
            declaration = statement.child_by_field_id(fields.declaration)
            value = statement.child_by_field_id(fields.value)
            if declaration is not None:
                if declaration.type in FUNCTION_TYPES:
                    name = declaration.child_by_field_id(fields.name)
                    if name is not None:
                        found.append((module.text(name), declaration, statement))
                elif declaration.type in ("lexical_declaration", "variable_declaration"):
                    for declarator in declaration.named_children:
                        name = declarator.child_by_field_id(fields.name)
                        init = declarator.child_by_field_id(fields.value)
                        if declarator.type == "variable_declarator" and name is not None and init is not None:
                            found.append((module.text(name), init, statement))
            elif value is not None and any(c.type == "default" for c in statement.children):
                found.append(("default", value, statement))
            else:
                clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
                if clause is not None and statement.child_by_field_id(fields.source) is None:
                    for spec in clause.named_children:
                        if spec.type == "export_specifier":
                            local = spec.child_by_field_id(fields.name)
                            alias = spec.child_by_field_id(fields.alias) or local
                            found.append((module.text(alias), local, statement))
    return found


def exported_function(module: JsModule, value: Node) -> tuple[Node | None, str]:
    """The function an exported value runs, seeing through wrappers: (function, wrapper) (memoised
    on the module: handler discovery, in the index and again in the analysis, and the entries ask)."""
    memo = module._exported_memo
    if memo is None:
        memo = module._exported_memo = {}
    found = memo.get(value)
    if found is None:
        found = memo[value] = _exported_function(module, value)
    return found


def _exported_function(module: JsModule, value: Node, depth: int = 0) -> tuple[Node | None, str]:
    if depth > 8 or value is None:
        return None, ""
    value = unwrap(value)
    if value.type in FUNCTION_TYPES:
        return value, ""
    if value.type in ("identifier", "shorthand_property_identifier"):
        bound = module.resolve(module.text(value), value)
        if bound is None or bound.node is None:
            return None, ""
        if bound.kind == "function":
            return bound.node, ""
        if bound.kind == "value":
            return _exported_function(module, bound.node, depth + 1)
        return None, ""
    if value.type == "call_expression":
        callee = unwrap(value.child_by_field_id(module.field_ids.function))
        args = call_arguments(value)
        if callee.type == "member_expression":
            prop = module.text(callee.child_by_field_id(module.field_ids.property))
            if prop in _CHAIN_WRAPPERS:  # middy(fn).use(a).use(b)
                function, wrapper = _exported_function(module, callee.child_by_field_id(module.field_ids.object), depth + 1)
                return function, wrapper
            if prop == "handler" and args:  # middy().use(a).handler(fn)
                function, _ = _exported_function(module, args[0], depth + 1)
                return function, "middy"
        name = module.dotted(callee)
        if args:
            function, inner = _exported_function(module, args[0], depth + 1)
            if function is not None:
                if name.endswith("streamifyResponse"):
                    return function, "streamify"
                if name == "middy" or name.endswith(".middy"):
                    return function, "middy"
                return function, inner or name or "wrapper"
    return None, ""


def _looks_like_handler(module: JsModule, function: Node) -> bool:
    names = module.parameters(function)
    return bool(names) and names[0] in _EVENT_PARAMETERS


# Exports whose name matches `*Handler` but that are not Lambda entry points: HTTP framework
# middleware `(req, res[, next])` / `(err, req, res, next)`, and wrappers taking a function.
_HTTP_REQUEST = frozenset({"req", "request"})
_HTTP_RESPONSE = frozenset({"res", "response", "reply", "h"})
_WRAPPED = frozenset({"fn", "func", "handler", "callback", "cb", "next", "wrapped", "target"})
# In front-end code `*Handler` names event handlers (submitHandler); only an export named exactly
# `handler` (server-side rendering) or one the deployment declares is a Lambda entry point there.
_FRONTEND_MODULES = frozenset({"react", "react-dom", "preact", "vue", "solid-js", "svelte", "next"})


def _not_an_entry_point(module: JsModule, function: Node) -> bool:
    names = module.parameters(function)
    if not names:
        return False
    if names[0] in _WRAPPED:
        return True
    if len(names) >= 2 and names[0] in _HTTP_REQUEST and names[1] in _HTTP_RESPONSE:
        return True
    return len(names) == 4 and names[0] in ("err", "error") and names[1] in _HTTP_REQUEST


def _script_module(module: JsModule) -> bool:
    """A command-line script (`#!`, `if (require.main === module)`, `import.meta.url` vs argv): its
    `main` is the script's entry point, not a Lambda handler."""
    data = module.source.data
    return (
        data.startswith(b"#!")
        or b"require.main" in data
        or b"import.meta.main" in data
        or (b"import.meta.url" in data and b"process.argv[1]" in data)
    )


def _frontend_module(module: JsModule) -> bool:
    for binding in module.module_scope.values():
        if binding.kind == "import" and binding.module.split("/")[0] in _FRONTEND_MODULES:
            return True
    return False


_NAMED: dict[tuple[str, tuple[str, ...]], bool] = {}


def named_like_handler(name: str, patterns: tuple[str, ...]) -> bool:
    """Does an export name match one of the handler-name patterns? (Answers kept: the index, the
    analysis and adapter discovery ask it of every export of every file.)"""
    key = (name, patterns)
    try:
        found = _NAMED.get(key)
    except TypeError:  # patterns in a list: asked as they are
        return any(fnmatchcase(name, pattern) for pattern in patterns)
    if found is None:
        if len(_NAMED) >= 4096:
            _NAMED.clear()
        found = _NAMED[key] = any(fnmatchcase(name, pattern) for pattern in patterns)
    return found


def discover(module: JsModule, patterns: tuple[str, ...], declared: frozenset[str] = frozenset()) -> list[JsHandler]:
    """The module's handlers: exports named like one or by the deployment (`declared`). Memoised on
    the module per (patterns, declared): the index's summary asks, and the analysis of a file the
    deployment names no handler in asks the same again (a new version of a file is a new module)."""
    memo = module._discover_memo
    if memo is None:
        memo = module._discover_memo = {}
    try:
        found = memo.get((patterns, declared))
    except TypeError:  # patterns in a list: asked as they are
        return _discover(module, patterns, declared)
    if found is None:
        found = memo[(patterns, declared)] = _discover(module, patterns, declared)
    return list(found)


def _discover(module: JsModule, patterns: tuple[str, ...], declared: frozenset[str]) -> list[JsHandler]:
    handlers: list[JsHandler] = []
    seen: set[Node] = set()
    for name, value, statement in _exports(module):
        named = name in declared or named_like_handler(name, patterns)
        if not named and name != "default":
            continue
        function, wrapper = exported_function(module, value)
        if function is None or function.type in CLASS_TYPES:
            continue
        if name == "default" and not named and not wrapper and not _looks_like_handler(module, function):
            continue  # a default export is a handler only when it looks like one
        if name not in declared and (_not_an_entry_point(module, function) or name != "handler" and _frontend_module(module)):
            continue  # matched by name only, but middleware, a wrapper or a front-end event handler
        if name == "main" and name not in declared and _script_module(module):
            continue
        if function in seen:
            continue
        seen.add(function)
        handlers.append(JsHandler(name, function, statement, wrapper, value))
    return handlers


_CONTEXT_PARAMETERS = frozenset({"context", "ctx", "_context", "_ctx", "lambdaContext", "awsContext", "_"})


def returned_handlers(module: JsModule) -> list[Node]:
    """Functions with `(event, context[, callback])` parameters that another function returns: the
    handler an instrumentation or error-reporting wrapper builds, wherever it is applied."""
    found: list[Node] = []
    for function in module.functions:
        names = module.parameters(function)  # before the parent: tree-sitter finds a parent from the root
        if len(names) < 2 or len(names) > 3 or names[0] not in _EVENT_PARAMETERS or names[1] not in _CONTEXT_PARAMETERS:
            continue
        if names[0] in ("_", "e", "_e") and names[1] == "_":
            continue
        parent = function.parent
        if parent is None or parent.type not in ("return_statement", "arrow_function", "parenthesized_expression", "as_expression", "satisfies_expression"):
            continue
        while parent is not None and parent.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
            parent = parent.parent
        returned = parent is not None and (
            parent.type == "return_statement"
            or (parent.type == "arrow_function" and parent.child_by_field_id(module.field_ids.body) is not None
                and unwrap(parent.child_by_field_id(module.field_ids.body)) == function)
        )
        if returned and module.enclosing_function(function) is not None:
            found.append(function)
    return found


def wrapped_import(module: JsModule, value: Node, depth: int = 0):
    """The imported binding a wrapper call wraps: `middy(baseHandler).use(…)`, `withSentry(impl)`,
    `middy().handler(impl)` with the function imported from another file; else None."""
    value = unwrap(value)
    if depth > 8 or value.type != "call_expression":
        return None
    callee = unwrap(value.child_by_field_id(module.field_ids.function))
    args = call_arguments(value)
    if callee.type == "member_expression":
        prop = module.text(callee.child_by_field_id(module.field_ids.property))
        if prop in _CHAIN_WRAPPERS:
            return wrapped_import(module, callee.child_by_field_id(module.field_ids.object), depth + 1)
    if not args:
        return None
    first = unwrap(args[0])
    if first.type == "identifier":
        bound = module.resolve(module.text(first), first)
        return bound if bound is not None and bound.kind == "import" else None
    return wrapped_import(module, first, depth + 1)
