"""The Node.js 24 runtime's init contract, and which findings it turns into failures.

From Node.js 24 the Lambda runtime interface client reads the exported handler's `length` at
init: 3 or more, and not a response-streaming handler, throws `Runtime.CallbackHandlerDeprecated`
before any invocation runs. `context.succeed/fail/done` and `callbackWaitsForEmptyEventLoop` are
gone too. A finding on a function declared (or configured) for such a runtime is an error.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lambda_leak.model import Finding, Severity

INIT_ERROR = "Runtime.CallbackHandlerDeprecated"
FIRST_WITHOUT_CALLBACKS = 24
_NODE_RUNTIME = re.compile(r"nodejs(\d+)\.x")


def removes_callbacks(runtime: str | None) -> bool:
    """Is this a Node.js runtime without callback handlers (nodejs24.x and later)?"""
    match = _NODE_RUNTIME.fullmatch(runtime or "")
    return match is not None and int(match.group(1)) >= FIRST_WITHOUT_CALLBACKS


def handler_runtime(context, handler) -> str | None:
    """The runtime the deployment declares for this handler, else the configured one."""
    return context.runtimes.get(handler.name) or context.config.runtime


def file_runtime(context) -> str | None:
    """The runtime of this file's handlers when they agree (for helpers they call), else the configured one."""
    declared = {handler_runtime(context, h) for h in context.handlers}
    return declared.pop() if len(declared) == 1 else context.config.runtime


def escalate(finding: Finding, runtime: str | None, failure: str, detail: str | None = None) -> Finding:
    """On nodejs24.x and later the finding is an error whose message leads with the failure, which
    names the runtime ("fails at init on nodejs24.x: Runtime.CallbackHandlerDeprecated"), followed
    by `detail` (what in the code causes it) or else the finding's own message."""
    if not removes_callbacks(runtime):
        return finding
    message = f"{failure}. {detail or finding.message}"
    return replace(finding, severity=Severity.ERROR, message=message, runtime_severity=True)


def init_failure(runtime: str | None) -> str:
    return f"fails at init on {runtime}: {INIT_ERROR}"
