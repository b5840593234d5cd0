"""async-handler: an `async def` used as the Lambda handler. The Python runtime calls it
without awaiting and fails: "Unable to marshal response: Object of type coroutine is not
JSON serializable"."""

from __future__ import annotations

from astroid import nodes

from lambda_leak.fixes.python.run_with_asyncio import run_with_asyncio
from lambda_leak.model import Range
from lambda_leak.python.handlers import is_lambda_decorator
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="async-handler",
    family="python",
    summary="an async def is used as the Lambda handler, which the Python runtime does not await",
    fixes=(FixInfo("Run with asyncio.run", True, "unsafe when the module itself calls the handler"),),
)


def check(context):
    for handler in context.handlers:
        function = handler.node
        if not isinstance(function, nodes.AsyncFunctionDef) or function.is_generator():
            continue
        decorators = function.decorators.nodes if function.decorators else []
        if not all(is_lambda_decorator(d) for d in decorators):
            continue  # an unknown decorator may well run the coroutine itself
        fix = run_with_asyncio(context, function)
        head = function.position  # `async def name`, without the decorators
        where = Range(
            context.position(head.lineno, head.col_offset), context.position(head.end_lineno, head.end_col_offset)
        )
        yield context.finding(
            RULE,
            function,
            f"Handler `{function.name}` is an async def: the Python runtime calls it without awaiting and fails "
            "with 'Unable to marshal response: Object of type coroutine is not JSON serializable'. "
            "Run it with asyncio.run(...) from a synchronous handler",
            (fix,) if fix else (),
            where,
        )
