"""The "Wrap in an awaited promise" fix for a callback API called from an async function.

`fs.readFile(p, (err, data) => { use(data); })` becomes
`await new Promise((resolve, reject) => fs.readFile(p, (err, data) => { if (err) return reject(err); use(data); resolve(); }))`:
the async function now waits for the callback. An error argument the callback ignored goes
to `reject`; when the callback may `return` early, `throw`, or is itself async, its body runs in
`try { … } catch (error) { reject(error) } finally { resolve() }` so the promise always settles.
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import indent_unit, replace
from lambda_leak.javascript.parser import parses_replaced
from lambda_leak.javascript.syntax import (
    FUNCTION_TYPES,
    body,
    descendants,
    enclosing_function,
    is_async,
    parameter_names,
    text,
)
from lambda_leak.model import Fix

TITLE = "Wrap in an awaited promise"
_ERROR_NAMES = frozenset({"err", "error", "er", "e", "_err", "_error"})
_NAME_TYPES = frozenset({"identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"})


def _fresh(used: set[str], preferred: str) -> str:
    name, counter = preferred, 1
    while name in used:
        counter += 1
        name = f"{preferred}{counter}"
    used.add(name)
    return name


def _exits_early(function_body: Node) -> bool:
    exits = frozenset({"return_statement", "throw_statement"})
    return any(True for _ in descendants(function_body, exits, stop_at_functions=True))


def _multiline_template(node: Node) -> bool:
    return any(b"\n" in t.text for t in descendants(node, frozenset({"template_string"})))


def _statement_lines(source, function_body: Node) -> tuple[str, list[str]]:
    """A comment trailing the opening brace, and the callback's statements as dedented lines."""
    if function_body.type != "statement_block":
        return "", [source.node_text(function_body) + ";"]
    inner = source.node_text(function_body)[1:-1]
    if "\n" not in inner:
        return "", [inner.strip()] if inner.strip() else []
    head, *lines = inner.split("\n")
    trailing = ""
    if head.strip().startswith(("//", "/*")):
        trailing = " " + head.strip()
    elif head.strip():
        lines.insert(0, head.strip())
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    step = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return trailing, [line[step:] if line[:step].strip() == "" else line.lstrip() for line in lines]


def _error_parameter(function: Node) -> str | None:
    names = parameter_names(function)
    return names[0] if names and names[0] in _ERROR_NAMES else None


def _uses(function_body: Node, name: str) -> bool:
    return any(text(i) == name for i in descendants(function_body, frozenset({"identifier"})))


def wrap_in_promise(context, call: Node, callback: Node) -> Fix | None:
    statement = call.parent
    while statement is not None and statement.type == "parenthesized_expression":
        statement = statement.parent
    if statement is None or statement.type != "expression_statement":
        return None
    function = enclosing_function(call)
    if function is None or not is_async(function):
        return None
    source = context.source
    used = {text(n) for n in descendants(call, _NAME_TYPES)}
    resolve, reject = _fresh(used, "resolve"), _fresh(used, "reject")
    indent = source.indent_of_line(statement.start_point[0])
    unit = indent_unit(source)
    typescript = source.language in ("typescript", "tsx")
    if callback.type in FUNCTION_TYPES:
        new_callback = _rewrite_function(context, callback, resolve, reject, _fresh(used, "error"), indent, unit)
    else:
        bound = context.module.resolve(text(callback), callback)
        if bound is None or bound.kind != "function" or is_async(bound.node):
            return None
        error, args = _fresh(used, "error"), _fresh(used, "args")
        typed = f": Parameters<typeof {text(callback)}>" if typescript else ""
        new_callback = (
            f"(...{args}{typed}) => {{ try {{ {text(callback)}(...{args}); {resolve}(); }} "
            f"catch ({error}) {{ {reject}({error}); }} }}"
        )
    if new_callback is None:
        return None
    start, end = callback.start_byte - call.start_byte, callback.end_byte - call.start_byte
    raw = source.node_text(call).encode("utf-8")
    call_text = (raw[:start] + new_callback.encode("utf-8") + raw[end:]).decode("utf-8")
    void = "<void>" if typescript else ""  # TypeScript wants `resolve()` typed: Promise<void>
    new_text = f"await new Promise{void}(({resolve}, {reject}) => {call_text})"
    if not parses_replaced(context.module.tree, source, call.start_byte, call.end_byte, new_text):
        return None
    return Fix(TITLE, True, (replace(source, call, new_text),))


def _rewrite_function(context, callback: Node, resolve: str, reject: str, error: str, indent: str, unit: str) -> str | None:
    source = context.source
    function_body = body(callback)
    if function_body is None:
        return None
    if _multiline_template(function_body):
        return None  # re-indenting would change the template's text
    error_name = _error_parameter(callback)
    guard = []
    if error_name and not _uses(function_body, error_name):
        guard = [f"if ({error_name}) return {reject}({error_name});"]
    trailing, lines = _statement_lines(source, function_body)
    inner_indent = indent + unit
    if is_async(callback) or (function_body.type == "statement_block" and _exits_early(function_body)):
        statements = guard + ["try {"] + [unit + line if line.strip() else "" for line in lines] + [
            f"}} catch ({error}) {{",
            f"{unit}{reject}({error});",
            "} finally {",
            f"{unit}{resolve}();",
            "}",
        ]
    else:
        statements = guard + lines + [f"{resolve}();"]
    block = "{" + trailing + "\n" + "\n".join(inner_indent + line if line.strip() else "" for line in statements) + f"\n{indent}}}"
    head = source.slice(callback.start_byte, function_body.start_byte)
    return head + block

