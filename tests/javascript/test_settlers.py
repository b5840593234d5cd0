"""`settled_by_executor` answers most floating calls without walking them: a settler comes from a
`new Promise(...)` executor of the file, a `withResolvers()` call, or is an `x.resolve`/`x.reject`
member below the call. The shortcut must answer as the whole walk does (every call and `new` of
every JS/TS fixture, example and precision file, and the shapes below)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_leak.javascript import fate, parser
from lambda_leak.javascript.module import JsModule
from lambda_leak.source import SourceText, language_for

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("tests/fixtures/javascript", "tests/precision", "examples") if (ROOT / folder).exists()
                 for p in (ROOT / folder).rglob("*") if p.suffix in (".js", ".ts", ".mjs", ".cjs", ".tsx")
                 and language_for(str(p)) is not None)

SHAPES = {
    "executor.js": "exports.handler = async () => {\n  await new Promise((res, rej) => { work().then(res); setTimeout(rej, 5); });\n};\n",
    "named.js": "function wait(resolve) { flush().then(resolve); }\nexports.handler = async () => { await new Promise(wait); };\n",
    "resolvers.mjs": "export const handler = async () => {\n  const { promise, resolve } = Promise.withResolvers();\n"
                     "  work().then(resolve);\n  await promise;\n};\n",
    "deferred.js": "let done;\nconst ready = new Promise((r) => { done = r; });\n"
                   "exports.handler = async () => { work().then(done); await ready; };\n",
    "member.js": "class Gate {\n  open() { work().then(this.resolve); send(this.reject); }\n}\n"
                 "exports.handler = async () => { const d = makeDeferred(); later(d.resolve); go(); };\n",
    "plain.js": "exports.handler = async (event) => { save(event); notify(`done ${event.id}`); };\n",
}


def _module(path: str, text: str) -> JsModule:
    source = SourceText(path, text, language_for(path))
    return JsModule(source, parser.parse(source.data, source.language))


def _answers(module: JsModule) -> list[tuple[int, int, str, bool]]:
    """Each call's and `new`'s answer, by span (the lists the shortcut and the whole walk see may come from
    two parses)."""
    return sorted((node.start_byte, node.end_byte, node.type, fate.settled_by_executor(node, module))
                  for node in [*module.calls, *module.news])


@pytest.mark.parametrize("name", [*SHAPES, *(str(p.relative_to(ROOT)) for p in SOURCES)])
def test_the_shortcut_answers_as_the_whole_walk(name, monkeypatch):
    text = SHAPES[name] if name in SHAPES else (ROOT / name).read_text(encoding="utf-8", errors="replace")
    gated = _answers(_module(name, text))
    with monkeypatch.context() as patch:  # the walk for every call, as before the shortcut
        patch.setattr(fate, "_settler_sources", lambda module: (True, True))
        patch.setattr(JsModule, "spells", lambda self, node, words: True)
        walked = _answers(_module(name, text))
    assert gated == walked
    if name in SHAPES and name != "plain.js":
        assert any(answer for *_, answer in gated), "each shape settles something"


def test_a_file_with_no_settler_walks_no_call(monkeypatch):
    module = _module("plain.js", SHAPES["plain.js"])
    walked = []
    real = fate.descendants
    monkeypatch.setattr(fate, "descendants", lambda *a, **k: walked.append(a[0]) or real(*a, **k))
    assert not any(answer for *_, answer in _answers(module))
    assert walked == []
