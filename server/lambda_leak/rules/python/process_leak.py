"""process-leak: a `multiprocessing.Process` started on the handler path and not joined before return."""

from __future__ import annotations

from lambda_leak.python import lifecycle
from lambda_leak.python.flow import WaitSpec
from lambda_leak.rules import RuleInfo

RULE = RuleInfo(
    id="process-leak",
    family="python",
    summary="a process started by the handler is not joined before it returns",
)

PROCESSES = frozenset(
    {
        "multiprocessing.Process",
        "multiprocessing.context.Process",
        "multiprocessing.process.BaseProcess",
        "multiprocessing.get_context().Process",
    }
)
# terminate()/kill() also end the work: nothing is left to resume later.
SPEC = WaitSpec(methods=frozenset({"join", "terminate", "kill"}))
WHY = "Lambda freezes it with the environment, and it resumes in a later invocation or never"


def check(context):
    return lifecycle.findings(context, RULE, PROCESSES, SPEC, "Process", "joined", WHY)
