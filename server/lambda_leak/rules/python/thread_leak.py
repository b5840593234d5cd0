"""thread-leak: a `threading.Thread` started on the handler path and not joined before return."""

from __future__ import annotations

from lambda_leak.python import lifecycle
from lambda_leak.python.flow import WaitSpec
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="thread-leak",
    family="python",
    summary="a thread started by the handler is not joined before it returns",
)

THREADS = frozenset({"threading.Thread"})
# `stop()`/`cancel()`: a thread class's own way to end it (a timeout watchdog's), like Timer.cancel.
SPEC = WaitSpec(methods=frozenset({"join", "stop", "cancel"}))
WHY = "Lambda freezes it when the handler returns, and it resumes in a later invocation or never"


def check(context):
    return lifecycle.findings(context, RULE, THREADS, SPEC, "Thread", "joined", WHY)
