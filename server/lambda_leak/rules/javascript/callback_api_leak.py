"""callback-api-leak: a Node-style callback API called from an async function on the handler path.

The async function does not wait for the callback: its promise settles first, Lambda freezes
the environment, and the callback runs in a later invocation, or never.
"""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.fixes.javascript.wrap_in_promise import wrap_in_promise
from lambda_leak.javascript.fate import HANDLED, follow, settled_by_executor
from lambda_leak.javascript.module import Binding
from lambda_leak.javascript.syntax import (
    FUNCTION_TYPES,
    body,
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    is_async,
    parameter_names,
    text,
    unwrap,
)
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="callback-api-leak",
    family="javascript",
    summary="A callback API is called from an async function that does not wait for its callback",
    fixes=(FixInfo("Wrap in an awaited promise", True),),
)

ERROR_NAMES = frozenset({"err", "error", "er", "_err", "_error"})
# Methods whose function argument is not a Node-style completion callback.
NOT_CALLBACK_APIS = frozenset(
    {
        "then", "catch", "finally", "forEach", "map", "filter", "reduce", "reduceRight", "some", "every", "find",
        "findIndex", "findLast", "findLastIndex", "flatMap", "sort", "toSorted", "on", "once", "addListener",
        "prependListener", "prependOnceListener", "off", "removeListener", "addEventListener", "emit",
        "nextTick", "setTimeout", "setInterval", "setImmediate", "queueMicrotask", "use", "from", "each",
        "forIn", "forOwn", "mapValues", "times", "replace", "replaceAll",
    }
)
# Collection libraries: their callbacks run synchronously, whatever their parameters are called.
SYNC_LIBRARIES = frozenset({"lodash", "underscore", "ramda", "lodash/fp", "immutable"})
_FS_NOT_CALLBACK = frozenset({"createReadStream", "createWriteStream", "watch", "watchFile", "unwatchFile", "promises"})
_SQL_MODULES = frozenset({"mysql", "mysql2", "pg", "pg-pool"})
_ADVICE = {
    "fs": "use `fs.promises` (`require('fs/promises')`) and await it",
    "aws-sdk": "use the SDK's `.promise()` (or the v3 client's `send`) and await it",
    "mysql": "use `mysql2/promise` and await the query",
    "pg": "call `query` without a callback (it returns a promise) and await it",
    "request": "`request` is deprecated: use `fetch` or axios and await it",
    "": "wrap it with `util.promisify` and await it",
}


def _root(node: Node) -> Node | None:
    """The identifier a dotted expression starts from."""
    node = unwrap(node)
    while node.type == "member_expression":
        node = unwrap(node.child_by_field_name("object"))
    return node if node.type == "identifier" else None


def _root_binding(module, node: Node) -> Binding | None:
    root = _root(node)
    return module.resolve(text(root), root) if root is not None else None


def _origin(module, node: Node, depth: int = 0) -> str:
    """The package an object comes from: `fs`, `new AWS.S3()` → `aws-sdk`, `mysql.createPool()` → `mysql`."""
    bound = _root_binding(module, node)
    if bound is None or depth > 3:
        return ""
    if bound.kind == "import":
        module_name, _, part = bound.module.partition("#")
        return "" if "promises" in (part, bound.imported) else module_name  # `require('fs').promises`
    if bound.kind == "instance" and bound.node is not None:
        target = bound.node.child_by_field_name("constructor") or bound.node.child_by_field_name("function")
        return _origin(module, target, depth + 1) if target is not None else ""
    if bound.kind == "value" and bound.node is not None:
        value = unwrap(bound.node)
        if value.type == "await_expression" and value.named_child_count:
            value = unwrap(value.named_children[0])
        if value.type == "call_expression":
            return _origin(module, value.child_by_field_name("function"), depth + 1)
        if value.type == "new_expression":
            return _origin(module, value.child_by_field_name("constructor"), depth + 1)
    return ""


def _known_api(module, call: Node) -> str | None:
    """The advice key of a well-known callback API, or None."""
    callee = unwrap(call.child_by_field_name("function"))
    origin = _origin(module, callee)
    if callee.type == "identifier":
        bound = module.resolve(text(callee), callee)
        if origin == "fs" and bound is not None and bound.imported not in ("*", "default"):
            name = bound.imported
            return "fs" if not name.endswith("Sync") and name not in _FS_NOT_CALLBACK else None
        return "request" if origin == "request" else None
    if callee.type != "member_expression":
        return None
    prop = text(callee.child_by_field_name("property"))
    if origin == "fs" and "." not in dotted_name(callee.child_by_field_name("object")):
        return "fs" if not prop.endswith("Sync") and prop not in _FS_NOT_CALLBACK else None
    if origin == "aws-sdk" or origin.startswith("aws-sdk/"):
        bound = _root_binding(module, callee)
        return "aws-sdk" if bound is not None and bound.kind in ("instance", "value") else None
    if prop == "query" and origin in _SQL_MODULES:
        return "pg" if origin.startswith("pg") else "mysql"
    if origin == "request":
        return "request"
    return None


def _error_first(function: Node) -> bool:
    names = parameter_names(function)
    if not names:
        return False
    function_body = body(function)
    if len(names) == 1 and function_body is not None and function_body.type != "statement_block":
        return False  # `(err) => err.code === "X"`: a predicate over errors, not a completion callback
    if names[0] in ERROR_NAMES:
        return True
    return names[0] == "e" and len(names) >= 2 and _tests_error(function, "e")


def _tests_error(function: Node, name: str) -> bool:
    """`e` is an error when the body checks it (`if (e)`, `e ? …`), throws it or reads `e.message`."""
    function_body = body(function)
    if function_body is None:
        return False
    for ref in descendants(function_body, frozenset({"identifier"})):
        if text(ref) != name:
            continue
        parent = ref.parent
        while parent is not None and parent.type in ("parenthesized_expression", "unary_expression"):
            parent = parent.parent
        if parent is None:
            continue
        if parent.type in ("if_statement", "throw_statement"):
            return True
        if parent.type == "ternary_expression" and parent.child_by_field_name("condition") is not None:
            return True
        if parent.type == "member_expression" and text(parent.child_by_field_name("property")) in ("message", "code", "stack"):
            return True
    return False


def _last_argument(call: Node) -> Node | None:
    """`unwrap(call_arguments(call)[-1])`, read from the end (asked of every call in the file)."""
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return None
    for index in range(args.named_child_count - 1, -1, -1):
        argument = args.named_child(index)
        if argument.type != "comment":
            return unwrap(argument)
    return None


def _may_call_back(module, call: Node) -> str | None:
    """"function" or "name" when the call's last argument is a function or a name, else None: only
    those are read further (asked once per call through `per_call`, which the language server
    carries over to the next version)."""
    last = _last_argument(call)
    if last is None:
        return None
    return "function" if last.type in FUNCTION_TYPES else "name" if last.type == "identifier" else None


def _callback(module, last: Node) -> Node | None:
    """The last argument when it is a function (inline, or a function of this file named there)."""
    if last.type in FUNCTION_TYPES:
        return last
    if last.type == "identifier":
        bound = module.resolve(text(last), last)
        if bound is not None and bound.kind == "function":
            return last
    return None


def _function_of(module, callback: Node) -> Node:
    if callback.type in FUNCTION_TYPES:
        return callback
    return module.resolve(text(callback), callback).node


def _calls_back_synchronously(module, call: Node) -> bool:
    """The callee is a non-async function of this file that only ever calls its callback parameter
    directly in its own body (never from a nested callback, never handing it on)."""
    targets = module.functions_called(call)
    if len(targets) != 1 or is_async(targets[0]):
        return False
    function = targets[0]
    names = parameter_names(function)
    index = len(call_arguments(call)) - 1
    if index >= len(names) or not names[index] or body(function) is None:
        return False
    refs = [r for r in descendants(body(function), frozenset({"identifier"})) if text(r) == names[index]]
    for ref in refs:
        parent = ref.parent
        direct = parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == ref
        if not direct or enclosing_function(ref) != function:
            return False
    return bool(refs)


def _returns_promise_handler(context, function) -> bool:
    """A non-async `(event, context, callback)` handler that returns a promise."""
    handler = context.paths.handler_of(function)
    return handler is not None and handler.callback_parameter() is not None and context.promises.function_returns_promise(function)


def check(context) -> Iterator[Finding]:
    module, paths, promises = context.module, context.paths, context.promises
    asynchronous: dict = {}  # function -> is_async: asked again for each call in it
    # In the language server, the functions each call is handed by name mostly come from the previous
    # version (`javascript.incremental`): asking them is cheaper than resolving the last argument.
    carried = promises.track
    for call, may_call_back in zip(module.calls, module.per_call(_may_call_back)):
        if may_call_back is None:
            continue
        function = module.enclosing_function(call)  # from the module's scopes: no parent walk through long blocks
        if function is None:
            continue
        in_async = asynchronous.get(function)
        if in_async is None:
            in_async = asynchronous[function] = is_async(function)
        if carried and in_async and may_call_back == "name" and not module.passed_functions(call):
            continue  # no argument names a function of this file, so neither does the last (`_callback`)
        last = _last_argument(call)
        # In an async function, most candidates are `f(x)` with `x` no function: the name is resolved
        # before the path is looked up (both only read; a sync function's promise question, below,
        # is still asked exactly when it was).
        callback = _callback(module, last) if in_async else None
        if (in_async and callback is None) or not paths.on_path(call):
            continue
        settles_on_promise = not in_async and _returns_promise_handler(context, function)
        if not (in_async or settles_on_promise):
            continue
        if callback is None:
            callback = _callback(module, last)
        if callback is None:
            continue
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type == "member_expression" and text(callee.child_by_field_name("property")) in NOT_CALLBACK_APIS:
            continue
        if callee.type == "identifier" and text(callee) in NOT_CALLBACK_APIS:
            continue
        known = _known_api(module, call)
        if known is None and (_origin(module, callee) in SYNC_LIBRARIES or text(_root(callee)) == "_"):
            continue
        if known is None:
            if not _error_first(_function_of(module, callback)) or promises.call_makes_promise(call):
                continue
            if follow(call).fate == HANDLED:
                continue  # `await lib.op(x, cb)`: a library that returns a promise too
            if _calls_back_synchronously(module, call):
                continue  # `validate(input, (err) => …)` of this file calls it before returning
        if settled_by_executor(call, module):
            continue
        name = dotted_name(callee) or "this call"
        message = (
            f"`{name}` reports through a callback that runs after this async function has returned: Lambda "
            f"freezes it and it runs in a later invocation, or never; {_ADVICE[known or '']}"
        )
        if settles_on_promise:
            message = (
                f"`{name}` reports through a callback, but this handler returns a promise: the runtime settles the "
                "invocation on that promise and ignores `callback`, so this work is not waited for and Lambda freezes "
                f"it; {_ADVICE[known or '']}"
            )
        yield context.finding(RULE, call, message, (wrap_in_promise(context, call, callback),))
