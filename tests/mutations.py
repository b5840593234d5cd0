"""The one way tests mangle source code: delete, duplicate and swap tokens or lines."""

from __future__ import annotations

import re

from hypothesis import strategies as st

TOKEN = re.compile(r"\w+|[^\w\s]")


def mutate(draw, parts: list[str], times: int) -> list[str]:
    """Apply `times` random edits to a list of tokens or lines (a hypothesis `draw` picks them)."""
    parts = list(parts)
    for _ in range(times):
        if not parts:
            break
        i, j = draw(st.integers(0, len(parts) - 1)), draw(st.integers(0, len(parts) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if action == "delete":
            del parts[i]
        elif action == "duplicate":
            parts.insert(j, parts[i])
        else:
            parts[i], parts[j] = parts[j], parts[i]
    return parts
