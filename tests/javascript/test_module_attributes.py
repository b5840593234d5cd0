"""The analysis adds no attribute to a JsModule after its construction.

Other modules memoise their answers on the module; each memo is an attribute `JsModule.__init__`
sets. An attribute added later (or a key put in the module's `__dict__`) costs CPython its fast
attribute look-up on that object, which every method of the module relies on: ~70% slower per
`self.x` (measured: ~3% of the instructions of a check's JavaScript work)."""

from pathlib import Path

import pytest

from lambda_leak.config import Config
from lambda_leak.engine import active_rules
from lambda_leak.javascript import analyse
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.facts import FileFacts
from lambda_leak.workspace.summary import parse_module, summarise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "javascript"
FILES = sorted(p for p in FIXTURES.rglob("*") if language_for(str(p)) and ".fixed." not in p.name)[::5]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_summary_and_analysis_add_no_attribute_to_the_module(path):
    source = SourceText(str(path), path.read_text(encoding="utf-8"), language_for(str(path)))
    module = parse_module(source)
    constructed = set(vars(parse_module(source)))
    summarise(module, Config())
    facts = FileFacts(frozenset({"handler"}), {}, {}, module=module)
    analyse.analyse(source, Config(scope="all"), active_rules("javascript", Config()), facts)
    assert set(vars(module)) == constructed
