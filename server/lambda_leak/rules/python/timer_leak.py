"""timer-leak (Python): a `threading.Timer` started on the handler path and neither cancelled
nor joined before return. Same id as the Node rule; this module serves the Python family."""

from __future__ import annotations

from lambda_leak.python import lifecycle
from lambda_leak.python.flow import WaitSpec
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="timer-leak",
    family="python",
    summary="a threading.Timer started by the handler is not cancelled or joined before it returns",
)

TIMERS = frozenset({"threading.Timer"})
SPEC = WaitSpec(methods=frozenset({"cancel", "join"}))
WHY = "Lambda freezes it, and it fires during a later invocation or never"


def check(context):
    return lifecycle.findings(context, RULE, TIMERS, SPEC, "Timer", "cancelled or joined", WHY)
