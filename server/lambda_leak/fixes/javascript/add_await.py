"""The "Add await" fix for a floating promise."""

from __future__ import annotations

from lambda_leak.fixes.javascript.edits import insert, replace_bytes
from lambda_leak.fixes.javascript.make_async import async_edit, can_become_async
from lambda_leak.javascript.fate import Outcome
from lambda_leak.javascript.paths import ends_with_context_method
from lambda_leak.javascript.syntax import enclosing_function, is_async
from lambda_leak.model import Fix

# Expressions that bind looser than `await` and so need parentheses after it.
_LOOSE = frozenset(
    {"binary_expression", "ternary_expression", "assignment_expression", "sequence_expression", "arrow_function", "yield_expression"}
)
TITLE = "Add await"


def add_await(context, outcome: Outcome) -> Fix | None:
    anchor = outcome.anchor
    function = enclosing_function(anchor)
    if function is None:
        return None
    edits = []
    if not is_async(function):
        handler = context.paths.handler_of(function)
        if handler is not None and (handler.callback_parameter() or ends_with_context_method(context.module, function)):
            return None  # an async callback handler is a different handler: "Convert to async handler" does that
        if not can_become_async(context, function):
            return None
        edit = async_edit(context, function)
        if edit is None:
            return None
        edits.append(edit)
    source = context.source
    if outcome.void is not None:  # `void p` → `await p`
        edits.append(replace_bytes(source, outcome.void.start_byte, anchor.start_byte, "await "))
    elif anchor.type in _LOOSE:
        edits.append(insert(source, anchor.start_byte, "await ("))
        edits.append(insert(source, anchor.end_byte, ")"))
    else:
        edits.append(insert(source, anchor.start_byte, "await "))
    return Fix(TITLE, True, tuple(edits))
