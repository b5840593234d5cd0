"""`timer_calls` narrows the calls timer-leak asks `timer_kind` about: it must never leave out a
call that `timer_kind` names (checked on every JS/TS fixture and example, and on aliases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_leak.javascript import parser
from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.timers import TIMERS, timer_calls, timer_kind
from lambda_leak.source import SourceText, language_for

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("tests/fixtures/javascript", "tests/precision", "examples") if (ROOT / folder).exists()
                 for p in (ROOT / folder).rglob("*") if p.suffix in (".js", ".ts", ".mjs", ".cjs", ".tsx")
                 and language_for(str(p)) is not None)

ALIASES = """\
import { setTimeout as later, setImmediate } from "timers";
import * as timers from "timers";
const t = require("timers");
exports.handler = async (event) => {
  later(() => flush(event), 10);
  setImmediate(() => flush(event));
  timers.setInterval(() => flush(event), 5);
  globalThis.setTimeout(() => flush(event), 1);
  (setTimeout)(() => flush(event), 2);
  step(event);
  make()(event);
};
"""


def _module(path: str, text: str) -> JsModule:
    source = SourceText(path, text, language_for(path))
    return JsModule(source, parser.parse(source.data, source.language))


def _named(module: JsModule) -> list:
    return [c for c in module.calls_to_methods(TIMERS, plain=True) if module.callee(c) is not None and timer_kind(module, c)]


def test_the_narrowed_calls_hold_every_timer_of_the_fixtures():
    assert len(SOURCES) > 100
    named = 0
    for path in SOURCES:
        module = _module(str(path), path.read_text(encoding="utf-8", errors="replace"))
        kept = set(timer_calls(module))
        found = _named(module)
        assert kept.issuperset(found), path
        named += len(found)
    assert named > 10


@pytest.mark.parametrize("mention", [True, False])
def test_aliases_and_globals(mention):
    text = ALIASES if mention else ALIASES.replace('"timers"', '"clock"').replace("timers.", "clock.")
    module = _module("/tmp/h.js", text)
    kept = timer_calls(module)
    assert set(kept).issuperset(_named(module))
    assert [timer_kind(module, c) for c in kept if timer_kind(module, c)] == (
        ["setTimeout", "setImmediate", "setInterval", "setTimeout", "setTimeout"] if mention
        else ["setTimeout", "setTimeout"])  # `setImmediate` is then imported from "clock"
