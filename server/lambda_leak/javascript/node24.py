"""The Node.js 24 runtime's init contract, and which findings it turns into failures.

From Node.js 24 the Lambda runtime interface client reads the exported handler's `length` at
init: 3 or more, and not a response-streaming handler, throws `Runtime.CallbackHandlerDeprecated`
before any invocation runs. `context.succeed/fail/done` and `callbackWaitsForEmptyEventLoop` are
gone too. A finding on a function declared (or configured) for such a runtime is an error.
Lambda Managed Instances run Node.js 22 with the same init check, so a nodejs22.x function with a
capacity provider ("nodejs22.x on Lambda Managed Instances") fails at init the same way.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lambda_leak.model import Finding, Severity

INIT_ERROR = "Runtime.CallbackHandlerDeprecated"
FIRST_WITHOUT_CALLBACKS = 24
FIRST_MANAGED_INSTANCES = 22  # the first Node.js that Lambda Managed Instances run
# "nodejs24.x", or as DeclaredHandler.deployed_runtime names a capacity-provider function.
_NODE_RUNTIME = re.compile(r"nodejs(\d+)\.x( on Lambda Managed Instances)?")


def removes_callbacks(runtime: str | None) -> bool:
    """Is this a Node.js runtime without callback handlers (nodejs24.x and later)?"""
    match = _NODE_RUNTIME.fullmatch(runtime or "")
    return match is not None and int(match.group(1)) >= FIRST_WITHOUT_CALLBACKS


def checks_handler_arity(runtime: str | None) -> bool:
    """Does this runtime throw Runtime.CallbackHandlerDeprecated at init for a 3-parameter handler?"""
    match = _NODE_RUNTIME.fullmatch(runtime or "")
    if match is None:
        return False
    first = FIRST_MANAGED_INSTANCES if match.group(2) else FIRST_WITHOUT_CALLBACKS
    return int(match.group(1)) >= first


def handler_runtime(context, handler) -> str | None:
    """The runtime the deployment declares for this handler, else the configured one."""
    return context.runtimes.get(handler.name) or context.config.runtime


def file_runtime(context) -> str | None:
    """The runtime of this file's handlers when they agree (for helpers they call), else the configured one."""
    declared = {handler_runtime(context, h) for h in context.handlers}
    return declared.pop() if len(declared) == 1 else context.config.runtime


def escalate(finding: Finding, runtime: str | None, failure: str, detail: str | None = None,
             fails=removes_callbacks) -> Finding:
    """Where `fails(runtime)` (by default: nodejs24.x and later) the finding is an error whose message
    leads with the failure, which names the runtime ("fails at init on nodejs24.x:
    Runtime.CallbackHandlerDeprecated"), followed by `detail` (what in the code causes it) or else
    the finding's own message."""
    if not fails(runtime):
        return finding
    message = f"{failure}. {detail or finding.message}"
    return replace(finding, severity=Severity.ERROR, message=message, runtime_severity=True)


def init_failure(runtime: str | None) -> str:
    return f"fails at init on {runtime}: {INIT_ERROR}"


def escalate_init(finding: Finding, runtime: str | None, detail: str | None = None) -> Finding:
    """The init check's finding (callback-handler, mixed-handler): an error wherever the runtime runs it."""
    return escalate(finding, runtime, init_failure(runtime), detail, fails=checks_handler_arity)
