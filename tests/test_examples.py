"""The bundled examples/ (what `make run` shows) demonstrate every rule, and their fixes parse."""

from __future__ import annotations

import json
from pathlib import Path

from lambda_leak.cli import main
from lambda_leak.fixing import fix_source, syntax_ok
from lambda_leak.config import Config
from lambda_leak.rules import all_rule_ids

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_examples_show_every_rule(capsys):
    assert main(["check", "--format", "json", "--select", "ALL", str(EXAMPLES)]) == 1
    found = {f["rule"] for f in json.loads(capsys.readouterr().out)}
    assert found == all_rule_ids()


def test_example_fixes_parse():
    everything = Config(select=frozenset({"ALL"}))
    for path in sorted(EXAMPLES.rglob("*.*")):
        outcome = fix_source(str(path), path.read_text(encoding="utf-8"), everything, unsafe=True)
        assert syntax_ok(str(path), outcome.text), path
