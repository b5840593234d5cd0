"""Rule metadata lives in `RuleInfo`: the README's rule table, each doc page's header and the
fixes the rules really produce must all agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixture_cases import cases
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.rules import all_rules
from lambda_leak.rule_catalog import catalog

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| \[`([a-z0-9-]+)`\]\(docs/rules/\1\.md\) \| ([^|]*) \| .* \| ([^|]*) \|$", re.MULTILINE)
CATALOG = catalog()


def readme_rows() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {m.group(1): (m.group(2).strip(), m.group(3).strip()) for m in ROW.finditer(text)}


def test_the_readme_table_lists_every_rule_once():
    rows = ROW.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert sorted(r[0] for r in rows) == sorted(CATALOG)


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_readme_row_matches_rule_info(rule_id: str):
    entry = CATALOG[rule_id]
    assert readme_rows()[rule_id] == (entry.table_languages(), entry.table_fixes())


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_doc_header_matches_rule_info(rule_id: str):
    lines = (ROOT / "docs" / "rules" / f"{rule_id}.md").read_text(encoding="utf-8").split("\n")
    assert lines[0] == f"# {rule_id}" and lines[2] == CATALOG[rule_id].header()


def test_fixes_the_rules_produce_are_declared():
    """Every fix on every fixture is one its rule declares, with the declared safety (a fix whose
    safety varies says so in its note)."""
    declared = {(rule.id, rule.family): {fix.title: fix for fix in rule.fixes} for rule in all_rules()}
    produced = set()
    for case in cases():
        report = analyse_source(str(case.path), case.path.read_text(encoding="utf-8"), Config(select=frozenset({"ALL"})))
        family = "python" if case.language == "python" else "javascript"
        for finding in report.findings:
            for fix in finding.fixes:
                info = declared[(finding.rule, family)].get(fix.title)
                assert info is not None, f"{case.id}: {finding.rule} offers undeclared fix {fix.title!r}"
                assert fix.safe == info.safe or info.note, f"{case.id}: {fix.title!r} safety differs from RuleInfo"
                produced.add((finding.rule, family, fix.title))
    every = {(rule.id, rule.family, fix.title) for rule in all_rules() for fix in rule.fixes}
    assert every <= produced, f"declared fixes no fixture produces: {sorted(every - produced)}"
