"""require-await: an async function on the handler path that never awaits (ESLint's require-await, for Lambda handler paths)."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.javascript.syntax import FUNCTION_TYPES, body, descendants, dotted_name, is_async, text, unwrap
from lambda_leak.model import Finding, Severity
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="require-await",
    family="javascript",
    summary="An async function on the handler path never awaits",
    severity=Severity.HINT,
    default_enabled=False,
)
_SYNC_GLOBALS = frozenset(
    {"console", "JSON", "Math", "Object", "Array", "String", "Number", "Boolean", "Date", "parseInt", "parseFloat",
     "encodeURIComponent", "decodeURIComponent", "Buffer"}
)
_WAITS = frozenset({"await_expression", "for_in_statement", "yield_expression"})


def _awaits(function_body: Node) -> bool:
    for node in descendants(function_body, _WAITS, stop_at_functions=True):
        if node.type != "for_in_statement" or any(c.type == "await" for c in node.children):
            return True
    return False


def _maybe_promise(context, value: Node, depth: int = 0) -> bool:
    """A known promise, the result of a call we cannot see into (an import, a parameter), or a
    variable that may hold either (`let cached; … return cached`)."""
    value = unwrap(value)
    if context.promises.makes_promise(value):
        return True
    if value.type == "identifier" and depth < 3:
        bound = context.module.resolve(text(value), value)
        if bound is None or bound.kind in ("param", "import"):
            return True
        if bound.kind == "value":
            return bound.node is None or _maybe_promise(context, bound.node, depth + 1)
        return False
    if value.type != "call_expression" or context.module.functions_called(value):
        return False
    head = dotted_name(value.child_by_field_name("function")).split(".", 1)[0]
    return not (head in _SYNC_GLOBALS and context.module.resolve(head, value) is None)


def _returns_promise(context, function_body: Node) -> bool:
    """Returning a promise hands the waiting to the caller (as typescript-eslint allows)."""
    if function_body.type != "statement_block":
        return _maybe_promise(context, function_body)
    for ret in descendants(function_body, frozenset({"return_statement"}), stop_at_functions=True):
        value = next((c for c in ret.named_children if c.type != "comment"), None)
        if value is not None and _maybe_promise(context, value):
            return True
    return False


def _name(function: Node) -> str:
    own = function.child_by_field_name("name")
    if own is not None:
        return text(own)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    if parent is not None and parent.type in ("pair", "assignment_expression"):
        key = parent.child_by_field_name("key") or parent.child_by_field_name("left")
        return text(key).rsplit(".", 1)[-1]
    return ""


def check(context) -> Iterator[Finding]:
    paths = context.paths
    for function in context.module.functions:
        if function.type not in FUNCTION_TYPES or not is_async(function):
            continue
        function_body = body(function)
        # The body is inside the function: on the path when the function is (in this file or
        # reached from a handler in another one) or when it sits inside a function that is.
        if function_body is None or not paths.on_path(function_body):
            continue
        if function_body.type == "statement_block" and function_body.named_child_count == 0:
            continue  # an empty async function starts nothing
        if _awaits(function_body) or _returns_promise(context, function_body):
            continue
        keyword = next(c for c in function.children if c.type == "async")
        name = _name(function)
        label = f"`{name}` is async but" if name else "this async callback"
        yield context.finding(
            RULE,
            keyword,
            f"{label} never awaits: any promise or callback it starts is not waited for and can "
            "outlive the invocation (like ESLint's require-await)",
        )
