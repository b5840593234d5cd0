"""The "Convert to async handler" fix: the Node.js 24 migration from callback handlers.

`callback(null, x)` becomes `return x`, `callback()` becomes `return`, an error becomes
`throw` (a string such as `callback("Unauthorized")` becomes `throw new Error("Unauthorized")`,
which keeps API Gateway authorizers working), the callback parameter goes, and
`context.callbackWaitsForEmptyEventLoop = …` lines go. When the callback is called from
nested functions or passed on, the body is wrapped in `return new Promise((resolve, reject) => …)`.
The same conversion serves `context.succeed/fail/done(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import indent_unit, replace
from lambda_leak.fixes.javascript.remove_code import removal_span
from lambda_leak.javascript.parser import parses_replaced
from lambda_leak.javascript.syntax import (
    call_arguments,
    descendants,
    dotted_name,
    enclosing_function,
    is_async,
    parameter_nodes,
    text,
    unwrap,
)
from lambda_leak.model import Fix

TITLE = "Convert to async handler"
_STATEMENT_PARENTS = frozenset({"statement_block", "program", "switch_case", "switch_default"})


@dataclass(frozen=True)
class Settle:
    """One way the handler settles its invocation: `callback(...)` or `context.succeed/fail/done(...)`."""

    call: Node
    error: Node | None  # the error argument, None when it cannot be an error
    value: Node | None


def _is_nullish(node: Node | None) -> bool:
    return node is None or text(node) in ("null", "undefined", "void 0")


def _definitely_error(context, node: Node) -> bool:
    node = unwrap(node)
    if node.type in ("new_expression", "string", "template_string", "object", "number", "true"):
        return True
    if node.type == "identifier":
        bound = context.module.resolve(text(node), node)
        if bound is not None and bound.kind == "param" and bound.node.type == "catch_clause":
            return True
        return _guarded_by(node)
    return False


def _guarded_by(identifier: Node) -> bool:
    """`if (err) return cb(err)`: inside the consequent of `if (err)` the error is set."""
    name = text(identifier)
    current = identifier.parent
    while current is not None and current.type not in ("function_declaration", "function_expression", "arrow_function"):
        parent = current.parent
        if parent is not None and parent.type == "if_statement" and parent.child_by_field_name("consequence") == current:
            condition = parent.child_by_field_name("condition")
            if condition is not None and text(unwrap(condition)).strip("() ") == name:
                return True
        current = parent
    return False


def _error_expression(node: Node) -> str:
    node = unwrap(node)
    if node.type in ("string", "template_string"):
        return f"new Error({text(node)})"
    return text(node)


def callback_settles(context, function: Node, name: str) -> tuple[list[Settle], list[Node]]:
    """The calls of the callback parameter `name`, and its other uses (passed on, stored)."""
    settles, other = [], []
    body = function.child_by_field_name("body")
    for ref in descendants(body, frozenset({"identifier"})) if body is not None else ():
        if text(ref) != name:
            continue
        bound = context.module.resolve(name, ref)
        if bound is None or bound.kind != "param" or bound.node != function:
            continue  # shadowed, or the parameter declaration itself
        parent = ref.parent
        if parent is not None and parent.type == "call_expression" and parent.child_by_field_name("function") == ref:
            args = call_arguments(parent)
            error = args[0] if args and not _is_nullish(args[0]) else None
            settles.append(Settle(parent, error, args[1] if len(args) > 1 else None))
        else:
            other.append(ref)
    return settles, other


def context_settles(context, function: Node, context_name: str) -> list[Settle]:
    """`context.succeed(x)`, `context.fail(e)`, `context.done(e, x)` inside the handler."""
    found = []
    for call in context.module.calls_within(function):
        name = dotted_name(call.child_by_field_name("function"))
        if name not in (f"{context_name}.succeed", f"{context_name}.fail", f"{context_name}.done"):
            continue
        args = call_arguments(call)
        method = name.rsplit(".", 1)[1]
        if method == "succeed":
            found.append(Settle(call, None, args[0] if args else None))
        elif method == "fail":
            found.append(Settle(call, args[0] if args else None, None))
        else:
            error = args[0] if args and not _is_nullish(args[0]) else None
            found.append(Settle(call, error, args[1] if len(args) > 1 else None))
    return found


def _direct_statement(settle: Settle, function: Node) -> Node | None:
    """The statement `cb(...);` or `return cb(...);` directly in the handler, else None."""
    parent = settle.call.parent
    if parent is None or parent.type not in ("expression_statement", "return_statement"):
        return None
    return parent if enclosing_function(settle.call) == function else None


def _statement_text(context, settle: Settle, statement: Node) -> str:
    value = f" {text(settle.value)}" if settle.value is not None else ""
    if settle.error is None:
        return f"return{value};"
    if _definitely_error(context, settle.error):
        return f"throw {_error_expression(settle.error)};"
    error = text(settle.error)
    lines = f"if ({error}) throw {error};"
    tail = f"return{value};"
    if statement.parent is not None and statement.parent.type in _STATEMENT_PARENTS:
        indent = context.source.indent_of_line(statement.start_point[0])
        return f"{lines}\n{indent}{tail}"
    return f"{{ {lines} {tail} }}"


def _promise_call_text(context, settle: Settle, resolve: str, reject: str) -> str:
    # TypeScript's strict mode rejects `resolve()` on a Promise<unknown>: say `undefined`.
    empty = "undefined" if context.source.language in ("typescript", "tsx") else ""
    value = text(settle.value) if settle.value is not None else empty
    if settle.error is None:
        return f"{resolve}({value})"
    if _definitely_error(context, settle.error):
        return f"{reject}({_error_expression(settle.error)})"
    error = text(settle.error)
    return f"({error} ? {reject}({error}) : {resolve}({value}))"


def _wait_flag_statements(context, function: Node) -> list[Node]:
    statements = []
    for node in descendants(function, frozenset({"expression_statement"}), stop_at_functions=True):
        expression = unwrap(node.named_children[0]) if node.named_child_count else None
        if expression is not None and expression.type == "assignment_expression":
            if dotted_name(expression.child_by_field_name("left")).endswith(".callbackWaitsForEmptyEventLoop"):
                statements.append(node)
    return statements


def _removal_span(context, statement: Node) -> tuple[int, int]:
    """Bytes to delete for a statement: its whole line (and a trailing `//` comment) when it stands alone there."""
    return removal_span(context.source, statement.start_byte, statement.end_byte)


def _fresh_name(used: str, preferred: str) -> str:
    name, counter = preferred, 1
    while name in used:
        counter += 1
        name = f"{preferred}{counter}"
    return name


def convert_to_async(context, function: Node, callback_name: str | None, context_name: str | None = None) -> Fix | None:
    """Rewrite a callback (or context-method) handler as an async handler, or None if it can't be done cleanly."""
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    settles, passed_on = ([], []) if not callback_name else callback_settles(context, function, callback_name)
    if context_name:
        settles += context_settles(context, function, context_name)
    base = body.start_byte
    replacements: list[tuple[int, int, str]] = []  # byte spans relative to the body
    for statement in _wait_flag_statements(context, function):
        start, end = _removal_span(context, statement)
        replacements.append((start - base, end - base, ""))
    direct = [(s, _direct_statement(s, function)) for s in settles]
    wrap = bool(passed_on) or any(statement is None for _, statement in direct)
    body_text = context.source.node_text(body)
    resolve, reject = _fresh_name(body_text, "resolve"), _fresh_name(body_text, "reject")
    if wrap:
        for settle in settles:
            replacements.append(
                (settle.call.start_byte - base, settle.call.end_byte - base, _promise_call_text(context, settle, resolve, reject))
            )
        for ref in passed_on:
            replacements.append(
                (ref.start_byte - base, ref.end_byte - base, f"(error, result) => (error ? {reject}(error) : {resolve}(result))")
            )
    else:
        for settle, statement in direct:
            replacements.append((statement.start_byte - base, statement.end_byte - base, _statement_text(context, settle, statement)))
            following = statement.next_named_sibling
            while following is not None and following.type == "comment":  # `cb(x); // note` then `return;`
                following = following.next_named_sibling
            if following is not None and following.type == "return_statement" and following.named_child_count == 0:
                start, end = _removal_span(context, following)  # the `return;` that followed the callback
                replacements.append((start - base, end - base, ""))
    new_body = _apply(body_text.encode("utf-8"), replacements)
    if new_body is None:
        return None
    if wrap:
        new_body = _wrap_body(context, function, new_body, resolve, reject)
    head = context.source.slice(function.start_byte, body.start_byte)
    if callback_name:
        params = parameter_nodes(function)
        if len(params) >= 3:
            start, end = params[1].end_byte - function.start_byte, params[2].end_byte - function.start_byte
            raw = head.encode("utf-8")
            head = (raw[:start] + raw[end:]).decode("utf-8")
    new_text = head + new_body
    if not is_async(function):
        new_text = "async " + new_text
    if not parses_replaced(context.module.tree, context.source, function.start_byte, function.end_byte, new_text):
        return None
    return Fix(TITLE, True, (replace(context.source, function, new_text),))


def _apply(data: bytes, replacements: list[tuple[int, int, str]]) -> str | None:
    previous = len(data) + 1
    for start, end, new in sorted(replacements, reverse=True):
        if end > previous:
            return None  # overlapping rewrites: leave the code alone
        data = data[:start] + new.encode("utf-8") + data[end:]
        previous = start
    return data.decode("utf-8", "replace")


def _wrap_body(context, function: Node, body_text: str, resolve: str, reject: str) -> str:
    """`{ body }` → `{ return new Promise((resolve, reject) => { body }); }`, re-indented one step."""
    inner = body_text[1:-1]
    opening = ""  # a comment on the `{` line stays there
    if "\n" in inner and inner.split("\n", 1)[0].strip():
        opening, inner = inner.split("\n", 1)
    outer = context.source.indent_of_line(function.start_point[0])
    lines = inner.strip("\n").split("\n")
    first = next((line for line in lines if line.strip()), "")
    step = first[: len(first) - len(first.lstrip())]
    unit = step[len(outer):] if step.startswith(outer) and len(step) > len(outer) else indent_unit(context.source)
    indented = "\n".join((unit + line) if line.strip() else "" for line in lines)
    wrapped = (
        f"{{{opening}\n{outer}{unit}return new Promise(({resolve}, {reject}) => {{\n"
        f"{indented.rstrip()}\n{outer}{unit}}});\n{outer}}}"
    )
    return wrapped
