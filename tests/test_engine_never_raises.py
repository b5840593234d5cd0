"""Mutated fixture sources (lines and tokens deleted, duplicated, swapped): the engine reports
or skips, it never raises, and fixing never produces code that breaks a parse that worked."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixture_cases import cases
from mutations import TOKEN, mutate
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.fixing import fix_source, syntax_ok

SOURCES = [(c.path.name, c.path.read_text(encoding="utf-8")) for c in cases()]
EVERYTHING = Config(select=frozenset({"ALL"}))


@st.composite
def mutated(draw):
    name, text = draw(st.sampled_from(SOURCES))
    unit = draw(st.sampled_from(["line", "token"]))
    parts = text.split("\n") if unit == "line" else TOKEN.findall(text)
    parts = mutate(draw, parts, draw(st.integers(1, 4)))
    return name, ("\n" if unit == "line" else " ").join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_sources_never_raise(case):
    name, text = case
    report = analyse_source(name, text, EVERYTHING)
    assert report.error is None or "internal error" not in report.error, report.error
    outcome = fix_source(name, text, EVERYTHING, unsafe=True)
    if syntax_ok(name, text):
        assert syntax_ok(name, outcome.text)
