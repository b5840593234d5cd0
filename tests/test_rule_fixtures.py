"""Every rule against its fixtures: findings where expected, silence on clean code, and
fixes that parse, remove their finding and are idempotent."""

from __future__ import annotations

import pytest

from fixture_cases import Case, cases
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.fixing import fix_source, syntax_ok
from lambda_leak.rules import all_rule_ids

ALL_CASES = cases()


def _config(case: Case) -> Config:
    return Config(select=frozenset({case.rule}))


def test_every_rule_has_fixtures():
    covered = {case.rule for case in ALL_CASES}
    bad = {case.rule for case in ALL_CASES if case.path.name.startswith("bad_")}
    good = {case.rule for case in ALL_CASES if case.path.name.startswith("good_")}
    missing = sorted(all_rule_ids() - covered)
    assert not missing, f"rules without fixtures: {missing}"
    assert bad == good == covered, f"rules missing bad or good fixtures: {sorted(covered - (bad & good))}"


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
def test_findings_match_expectations(case: Case):
    assert case.rule in all_rule_ids(), f"fixture folder names unknown rule {case.rule}"
    text = case.path.read_text(encoding="utf-8")
    report = analyse_source(str(case.path), text, _config(case))
    assert report.error is None or "syntax error" not in report.error, report.error
    found = sorted(f.range.start.line for f in report.findings if f.rule == case.rule)
    expected = case.expected_lines()
    if case.path.name.startswith("good_"):
        assert expected == [], "good fixtures must not expect findings"
    assert found == expected, (
        f"{case.id}: findings on lines {[n + 1 for n in found]}, expected {[n + 1 for n in expected]}:\n"
        + "\n".join(f"  {f.range.start.line + 1}: {f.message}" for f in report.findings)
    )


FIX_CASES = [c for c in ALL_CASES if c.fixed_path.exists()]


@pytest.mark.parametrize("case", FIX_CASES, ids=lambda c: c.id)
def test_fix_output(case: Case):
    text = case.path.read_text(encoding="utf-8")
    config = _config(case)
    outcome = fix_source(str(case.path), text, config, unsafe=True)
    assert outcome.text == case.fixed_path.read_text(encoding="utf-8")
    assert syntax_ok(str(case.path), outcome.text), "the fixed code must parse"
    remaining = [f for f in outcome.report.findings if f.rule == case.rule and f.fixes]
    assert not remaining, f"fixable findings left after fixing: {[f.message for f in remaining]}"
    again = fix_source(str(case.path), outcome.text, config, unsafe=True)
    assert again.text == outcome.text, "applying the fixes twice must change nothing"


def test_fix_cases_exist_for_fixable_rules():
    assert FIX_CASES, "no fix expectations found"
