"""How fast this machine runs plain Python right now: `repo_speed` and `lsp_latency` print it
beside their figures, because on a shared VM the same code measures up to three times slower on
a busy day (wall and CPU alike)."""

from __future__ import annotations

import time


def python_loop_seconds(count: int = 10_000_000) -> float:
    """Seconds of CPU for a loop of `count` additions (best of 3)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(count):
            total += number
        best = min(best, time.process_time() - started)
    return best


def describe() -> str:
    return f"a plain Python loop of 10 M additions takes {python_loop_seconds():.2f} s CPU here now"
