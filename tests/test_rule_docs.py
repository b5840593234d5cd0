"""Every rule has its page, with the sections users look for."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_leak.rules import all_rules

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
SECTIONS = ("## What it finds", "## Why it leaks on Lambda", "## Example", "## Use instead", "## Fix")


@pytest.mark.parametrize("rule_id", sorted({r.id for r in all_rules()}))
def test_rule_has_documentation(rule_id: str):
    page = DOCS / f"{rule_id}.md"
    assert page.is_file(), f"missing docs/rules/{rule_id}.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {rule_id}\n")
    for section in SECTIONS:
        assert section in text, f"{page.name} lacks '{section}'"


def test_rule_ids_and_summaries():
    for rule in all_rules():
        assert rule.id == rule.id.lower() and " " not in rule.id
        assert rule.summary and not rule.summary.endswith(".")
