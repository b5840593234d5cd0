"""Findings come out in one order whatever order the analysis found them in: the language server's
incremental path and `check` may list findings that start together (broken syntax can nest two of
one rule at one place) in their own orders, and both must publish the same list."""

from __future__ import annotations

import itertools

from lambda_leak.config import Config
from lambda_leak.engine import finalise
from lambda_leak.model import Finding, Position, Range


def _finding(rule: str, start: tuple[int, int], end: tuple[int, int], message: str = "m") -> Finding:
    return Finding(rule, message, Range(Position(*start), Position(*end)))


def test_findings_that_start_together_come_out_in_one_order():
    found = [
        _finding("async-foreach", (49, 4), (51, 48)),
        _finding("async-foreach", (49, 4), (50, 48)),
        _finding("floating-promise", (49, 4), (49, 20), "b"),
        _finding("floating-promise", (49, 4), (49, 20), "a"),  # same rule and place: one is kept
        _finding("timer-leak", (37, 2), (37, 31)),
        _finding("async-foreach", (44, 45), (45, 48)),
    ]
    orders = {tuple((f.rule, f.range, f.message) for f in finalise(list(p), "", Config(), "a.js"))
              for p in itertools.permutations(found)}
    assert orders == {(
        ("timer-leak", found[4].range, "m"),
        ("async-foreach", found[5].range, "m"),
        ("async-foreach", found[1].range, "m"),
        ("async-foreach", found[0].range, "m"),
        ("floating-promise", found[2].range, "a"),  # of two at one place, the one first in that order
    )}
