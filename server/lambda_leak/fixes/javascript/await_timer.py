"""The "Await the timer" fix: wait for a `setTimeout` callback before the handler returns.

Unsafe: the handler now waits the full delay, which changes its latency and cost.
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import replace
from lambda_leak.fixes.javascript.make_async import async_edits
from lambda_leak.javascript.syntax import (
    FUNCTION_TYPES,
    call_arguments,
    descendants,
    enclosing_function,
    text,
    unwrap,
)
from lambda_leak.javascript.timers import uses_this
from lambda_leak.model import Fix

TITLE = "Await the timer"


def await_timer(context, call: Node) -> Fix | None:
    parent = call.parent
    if parent is None or parent.type != "expression_statement":
        return None
    args = call_arguments(call)
    if not args or len(args) > 2:
        return None
    function = enclosing_function(call)
    if function is None:
        return None
    edits = async_edits(context, function)
    if edits is None:
        return None
    callback = unwrap(args[0])
    delay = text(args[1]) if len(args) == 2 else "0"
    source = context.source
    resolve = "resolve" if "resolve" not in text(callback) else "resolveTimer"
    if callback.type in FUNCTION_TYPES:
        if callback.type != "arrow_function" and uses_this(callback):
            return None
        if _parameters_used(callback):
            return None
        body = callback.child_by_field_name("body")
        if body.type == "statement_block":
            if any(True for _ in descendants(body, frozenset({"return_statement"}), stop_at_functions=True)):
                return None  # a `return` would skip the resolve
            inner = source.node_text(body)[1:-1]
            kept = inner.rstrip()
            trailing = inner[len(kept):]
            separator = "" if not kept.strip() or kept.endswith((";", "}")) else ";"
            if "\n" in trailing:
                last_line = kept.rsplit("\n", 1)[-1]
                indent = last_line[: len(last_line) - len(last_line.lstrip())]
                block = f"{{{kept}{separator}\n{indent}{resolve}();{trailing}}}"
            else:
                block = f"{{{kept}{separator} {resolve}(); }}"
        else:
            block = f"{{ {source.node_text(body)}; {resolve}(); }}"
        runner = f"() => {block}"
    elif callback.type in ("identifier", "member_expression"):
        runner = f"() => {{ {text(callback)}(); {resolve}(); }}"
    else:
        return None
    typed = "<void>" if source.language in ("typescript", "tsx") else ""  # strict tsc wants resolve's type
    edits.append(replace(source, call, f"await new Promise{typed}(({resolve}) => setTimeout({runner}, {delay}))"))
    return Fix(TITLE, False, tuple(edits))


def _parameters_used(callback: Node) -> bool:
    """Parameters would be lost in the rewrite (and are undefined with two arguments anyway)."""
    single = callback.child_by_field_name("parameter")
    params = callback.child_by_field_name("parameters")
    return single is not None or (params is not None and params.named_child_count > 0)
