"""no-wait-for-empty-event-loop: `callbackWaitsForEmptyEventLoop = false`, or middy's
`doNotWaitForEmptyEventLoop` middleware, on a handler."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.fixes.javascript.remove_code import remove_statement, remove_unused_import, remove_use
from lambda_leak.javascript.syntax import text, unwrap
from lambda_leak.model import Finding, Fix
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="no-wait-for-empty-event-loop",
    family="javascript",
    summary="callbackWaitsForEmptyEventLoop = false lets pending work freeze into the next invocation",
    fixes=(FixInfo("Remove callbackWaitsForEmptyEventLoop = false", False), FixInfo("Remove the doNotWaitForEmptyEventLoop middleware", False)),
)
_MIDDY_STAGES = frozenset({"use", "before", "after", "onError"})
MIDDY_PACKAGE = "@middy/do-not-wait-for-empty-event-loop"
_WHY = (
    "Lambda sends the response without waiting for the event loop, so timers, sockets and callbacks still "
    "pending are frozen and resume in the next invocation (or never)"
)


def _middleware_calls(context) -> Iterator[Node]:
    if not any(h.wrapper == "middy" for h in context.handlers) or MIDDY_PACKAGE.encode() not in context.source.data:
        return
    for call in context.module.calls:
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type != "identifier":
            continue
        bound = context.module.resolve(text(callee), callee)
        if bound is not None and bound.kind == "import" and bound.module == MIDDY_PACKAGE:
            yield call


def _in_middy_middleware(context, node: Node) -> bool:
    """Inside an inline middleware handed to `.use(…)`/`.before(…)` of a middy handler."""
    if not any(h.wrapper == "middy" for h in context.handlers):
        return False
    current = node.parent
    while current is not None:
        if current.type == "arguments" and current.parent is not None and current.parent.type == "call_expression":
            callee = unwrap(current.parent.child_by_field_name("function"))
            if callee.type == "member_expression" and text(callee.child_by_field_name("property")) in _MIDDY_STAGES:
                return True
        current = current.parent
    return False


def check(context) -> Iterator[Finding]:
    source, paths = context.source, context.paths
    for assignment in paths.no_wait_assignments:
        if not paths.on_path(assignment, leaky_only=False) and not _in_middy_middleware(context, assignment):
            continue
        statement = assignment.parent
        edit = remove_statement(source, statement) if statement.type == "expression_statement" else None
        fix = Fix(RULE.fixes[0].title, RULE.fixes[0].safe, (edit,)) if edit else None
        yield context.finding(RULE, assignment, f"`callbackWaitsForEmptyEventLoop = false`: {_WHY}", (fix,))
    for call in _middleware_calls(context):
        name = text(call.child_by_field_name("function"))
        edit = remove_use(source, call)
        fix = None
        if edit is not None:
            import_edit = remove_unused_import(context, name, call)
            edits = (edit,) if import_edit is None else (import_edit, edit)
            fix = Fix(RULE.fixes[1].title, RULE.fixes[1].safe, edits)
        yield context.finding(
            RULE, call, f"`{name}` sets `callbackWaitsForEmptyEventLoop = false`: {_WHY}", (fix,)
        )
