"""The "Await all with Promise.all" fix: `arr.forEach(async …)` → `await Promise.all(arr.map(async …))`.

Safe: the callbacks still run concurrently, as they did; the function now waits for them and
a failure rejects its promise instead of becoming an unhandled rejection. The enclosing function
becomes async under the same rule as "Add await".
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import insert, replace
from lambda_leak.fixes.javascript.make_async import async_edits
from lambda_leak.javascript.syntax import descendants, enclosing_function, is_async, unwrap
from lambda_leak.model import Fix

TITLE = "Await all with Promise.all"


def await_all(context, call: Node, problem: str, anchor: Node) -> Fix | None:
    """`problem`: "forEach" (a forEach statement), "forEach-awaited" (`await [..].forEach(…)`),
    "dropped" (a map statement), "awaited-array" (`await arr.map(…)`) or "unused"
    (`const ps = arr.map(…)` never read). Anything else gets no fix."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression" or any(c.type == "optional_chain" for c in callee.children):
        return None  # `arr?.forEach(…)`: Promise.all(undefined) would throw
    source = context.source
    edits = []
    if problem in ("forEach", "dropped"):
        if anchor.parent is None or anchor.parent.type != "expression_statement":
            return None
        function = enclosing_function(call)
        if function is None:
            return None
        made_async = async_edits(context, function)
        if made_async is None:
            return None
        edits.extend(made_async)
        edits.append(insert(source, call.start_byte, "await Promise.all("))
    elif problem in ("awaited-array", "forEach-awaited"):
        edits.append(insert(source, call.start_byte, "Promise.all("))
    elif problem == "unused":
        function = enclosing_function(call)
        if function is None or not is_async(function):
            return None
        edits.append(insert(source, call.start_byte, "await Promise.all("))
    else:
        return None
    if problem in ("forEach", "forEach-awaited"):
        edits.append(replace(source, callee.child_by_field_name("property"), "map"))
    edits.append(insert(source, call.end_byte, ")"))
    return Fix(TITLE, True, tuple(edits))


def await_collected(context, variable: Node, pushed: Node) -> Fix | None:
    """`const copies = []; for (…) copies.push(work());` then only `copies.length`: insert
    `await Promise.all(copies);` after the loop — before the first later statement of the
    declaring block that reads `copies`, or before its `return`. Safe: the work still runs
    concurrently; the function now waits for it."""
    name = context.module.text(variable)
    declared = context.module.resolve(name, variable)
    if declared is None or declared.node is None or unwrap(declared.node).type != "array":
        return None
    block = declared.node.parent.parent.parent if declared.node.parent is not None else None  # declarator → declaration → block
    if block is None or block.type != "statement_block":
        return None
    function = enclosing_function(block)  # the function that declares the array (pushes may be in callbacks)
    if function is None:
        return None
    statements = [s for s in block.named_children if s.type != "comment"]
    holder = next((s for s in statements if s.start_byte <= pushed.start_byte < s.end_byte), None)
    if holder is None:
        return None
    target = None
    for statement in statements[statements.index(holder) + 1 :]:
        reads = any(context.module.text(i) == name for i in descendants(statement, frozenset({"identifier", "shorthand_property_identifier"})))
        if reads or statement.type == "return_statement":
            target = statement
            break
    if target is None:
        return None
    edits = async_edits(context, function)
    if edits is None:
        return None
    indent = context.source.indent_of_line(target.start_point[0])
    edits.append(insert(context.source, target.start_byte, f"await Promise.all({name});\n{indent}"))
    return Fix(TITLE, True, tuple(edits))


def await_callback_promises(context, anchor: Node) -> Fix | None:
    """`items.forEach(function (x) { notify(x); })` where `notify(x);` drops a promise: make the
    callback async, await the promise in it, and wait for every callback —
    `await Promise.all(items.map(async function (x) { await notify(x); }))`. Safe for the same
    reason as the arrow form: the callbacks still run concurrently; the function now waits for them."""
    statement = anchor.parent
    callback = enclosing_function(anchor)
    if statement is None or statement.type != "expression_statement" or callback is None:
        return None
    if callback.type not in ("function_expression", "arrow_function") or is_async(callback):
        return None
    if callback.child_by_field_name("return_type") is not None or any(c.type == "*" for c in callback.children):
        return None  # `(x): void => {…}` would no longer type-check as async; generators are not callbacks
    arguments = callback.parent
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    if call is None or call.type != "call_expression" or arguments.named_children[0] != callback:
        return None
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression" or context.module.text(callee.child_by_field_name("property")) != "forEach":
        return None
    outer = call
    while outer.parent is not None and outer.parent.type == "parenthesized_expression":
        outer = outer.parent
    waited = await_all(context, call, "forEach", outer)
    if waited is None or anchor.type in ("binary_expression", "ternary_expression", "sequence_expression", "assignment_expression"):
        return None
    source = context.source
    edits = (insert(source, callback.start_byte, "async "), insert(source, anchor.start_byte, "await "))
    return Fix(TITLE, True, (*edits, *waited.edits))
