"""The "Add await" fix: `send(x)` -> `await send(x)` inside an `async def`."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.model import Fix, Range, TextEdit


def add_await(context, call: nodes.Call) -> Fix:
    start = context.position(call.lineno, call.col_offset)
    # Unsafe: the coroutine's body never ran before; awaiting it runs it (and waits for it).
    return Fix(title="Add await", safe=False, edits=(TextEdit(Range(start, start), "await "),))
