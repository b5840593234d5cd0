"""floating-promise: a promise made on a handler path that nothing waits for."""

from __future__ import annotations

from typing import Iterator

from lambda_leak.fixes.javascript.add_await import add_await
from lambda_leak.fixes.javascript.await_all import await_callback_promises, await_collected
from lambda_leak.javascript.fate import (
    ESCAPES,
    FLOATING,
    STORED,
    Outcome,
    follow,
    observes_waited_promise,
    property_outcome,
    settled_by_executor,
    stored_outcome,
)
from lambda_leak.javascript.frameworks import sends_response
from lambda_leak.javascript.syntax import TRANSPARENT, text
from lambda_leak.model import Finding
from lambda_leak.rules import FixInfo, RuleInfo

RULE = RuleInfo(
    id="floating-promise",
    family="javascript",
    summary="A promise started on the handler path is not awaited or returned",
    fixes=(FixInfo("Add await", True), FixInfo("Await all with Promise.all", True, note="arrays filled with `push`")),
)


def _describe(node) -> str:
    snippet = " ".join(text(node).split())
    return snippet if len(snippet) <= 40 else snippet[:37] + "..."


def _in_returned_response(context, anchor) -> bool:
    """`return { statusCode: 200, body: load() }` in a handler (not a helper: its caller may await the field)."""
    pair = anchor.parent
    if pair is None or pair.type != "pair" or pair.child_by_field_name("value") != anchor:
        return False
    obj = pair.parent
    returned = obj.parent if obj is not None and obj.type == "object" else None
    while returned is not None and returned.type == "parenthesized_expression":
        returned = returned.parent
    if returned is None or returned.type not in ("return_statement", "arrow_function"):
        return False
    function = context.module.enclosing_function(obj)
    return function is not None and context.paths.handler_of(function) is not None


def _typed_holder(module, outcome) -> bool:
    """Is the object holding the promise declared with a TypeScript type (`const r: Result = {}`)?"""
    bound = module.resolve(outcome.holder.split(".")[0], outcome.anchor)
    declarator = bound.node.parent if bound is not None and bound.node is not None else None
    while declarator is not None and declarator.type != "variable_declarator" and declarator.type in TRANSPARENT:
        declarator = declarator.parent
    return declarator is not None and declarator.type == "variable_declarator" and declarator.child_by_field_name("type") is not None


def _responds(context, anchor) -> bool:
    """In a framework route, a chain that sends the response itself: the adapter waits for it."""
    return any(f in context.routes and sends_response(f, anchor) for f in context.module.enclosing_functions(anchor))


def _awaited(module, call) -> bool:
    """`await call(...)`: never a finding (read once per call through `per_call`, which the language
    server carries over to the next version: a call outside an edit has its parent outside it too)."""
    parent = call.parent
    return parent is not None and parent.type == "await_expression"


def _promises_on_path(module, paths, promises) -> Iterator:
    """Calls, then `new`s, on a handler path that make a promise, but, in the language server (which
    carries answers over from the previous version: `promises.track`), for awaited calls whose answer
    is already known (the rule skips awaited calls). A call is asked whether it makes a promise only
    once it is known to be on the path, so that the questions (and the answers of a recursion cut
    short) do not depend on the language server's carried answers; a known answer is read first,
    since reading it changes nothing. A `new` is asked first: that answer only reads its
    constructor's name (no promise knowledge is recorded), and most `new`s (`new
    PutItemCommand(...)`) are no promise, so their path is never looked up."""
    if not promises.track:  # a one-off analysis (`check`): no answer is known yet, nothing to skip
        for call in module.calls:
            if paths.on_path(call) and promises.makes_promise(call):
                yield call
        yield from _promise_news_on_path(module, paths, promises)
        return
    known, makes = promises.answered, promises.call_makes_promise
    for call, awaited in zip(module.calls, module.per_call(_awaited)):
        if not known(call):
            if paths.on_path(call) and makes(call):
                yield call
        elif not awaited and makes(call) and paths.on_path(call):
            yield call
    yield from _promise_news_on_path(module, paths, promises)


def _promise_news_on_path(module, paths, promises) -> Iterator:
    """The `new`s on a handler path that make a promise (see `_promises_on_path`)."""
    for new in module.news:
        if promises.makes_promise(new) and paths.on_path(new):
            yield new


def check(context) -> Iterator[Finding]:
    module, paths, promises = context.module, context.paths, context.promises
    reported = set()
    for call in _promises_on_path(module, paths, promises):
        if _awaited(module, call):
            continue  # `follow`'s first answer (handled), without building it
        outcome = follow(call)
        if outcome.fate == STORED:
            outcome = stored_outcome(module, outcome)
        if outcome.fate == ESCAPES and _in_returned_response(context, outcome.anchor):
            outcome = Outcome(FLOATING, outcome.anchor, misuse="response")
        elif outcome.fate == ESCAPES:
            outcome = property_outcome(module, outcome)
        if outcome.fate != FLOATING or outcome.anchor in reported:
            continue
        if settled_by_executor(outcome.anchor, module) or observes_waited_promise(module, promises, outcome.anchor):
            continue
        if context.routes and _responds(context, outcome.anchor):
            continue
        reported.add(outcome.anchor)
        where = outcome.anchor if outcome.void is None else outcome.void
        pushed = outcome.anchor.parent is not None and outcome.anchor.parent.type == "arguments"
        if outcome.variable is not None and outcome.misuse == "condition":
            message = (
                f"`{text(outcome.variable)}` holds a promise and is used as a condition: it is always truthy, whatever "
                "it resolves to; and nothing awaits it, so Lambda freezes its work when the handler returns"
            )
        elif outcome.variable is not None:
            message = (
                f"`{text(outcome.variable)}` "
                + ("collects promises that are never awaited" if pushed else "holds a promise that is never awaited")
                + ": the handler returns and Lambda freezes the work, which resumes in a later invocation or never runs"
            )
        elif outcome.holder:
            message = (
                f"`{outcome.holder}` holds a promise that is never awaited: the handler returns and Lambda freezes "
                "this work, which resumes in a later invocation or never runs"
            )
        elif outcome.misuse == "response":
            message = (
                f"`{_describe(outcome.anchor)}` is a promise returned inside the handler's response object: the runtime "
                "serialises it without waiting (as `{}`), and Lambda freezes its work when the handler returns"
            )
        elif outcome.misuse:
            message = f"`{_describe(outcome.anchor)}` is a promise used as " + (
                "a condition: it is always truthy, whatever it resolves to"
                if outcome.misuse == "condition"
                else "a plain value (`[object Promise]`, NaN)"
            ) + "; and nothing awaits it, so Lambda freezes its work when the handler returns"
        else:
            message = (
                f"`{_describe(outcome.anchor)}` is not awaited: the handler returns and Lambda freezes this "
                "work, which resumes in a later invocation or never runs"
            )
        fix = add_await(context, outcome)
        if outcome.variable is not None and pushed:
            fix = await_collected(context, outcome.variable, outcome.anchor) or fix
        elif outcome.holder and fix is not None and _typed_holder(module, outcome):
            fix = None  # `audit?: Promise<void>` would now receive a void value: no fix is provably right
        elif outcome.variable is None and not outcome.misuse and outcome.void is None:
            fix = await_callback_promises(context, outcome.anchor) or fix  # forEach(function (x) { notify(x); })
        if call.type == "call_expression":  # asked here, so the evidence never depends on what was asked before
            promises.call_makes_promise(call)
        evidence = promises.evidence.get(call)
        if evidence is not None:
            message += f" (it returns a promise: the same call is awaited at {evidence})"
        yield context.finding(RULE, where, message, (fix,))
