"""Quick fixes, ignore comments and fix-all, applied the way an editor applies them."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from lsp_session import text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared server lives on the module's loop

FLOATING = """const axios = require('axios');
exports.handler = async (event, context) => {
  const label = "🚀 日本語"; axios.post('/someApi', { label });
  return "OK";
};
"""

CALLBACK = """const fs = require('fs');
exports.handler = (event, context, callback) => {
  fs.readFile('/tmp/x', (err, data) => {
    if (err) {
      callback(err);
      return;
    }
    callback(null, { statusCode: 200, body: String(data) });
  });
};
"""

SEVERAL = """exports.handler = async (event, context) => {
  setTimeout(() => {
    console.log("later");
  }, 20);
  fetch('https://example.com');
  fetch('https://example.org');
  return "OK";
};
"""


def titled(actions, title):
    matches = [a for a in actions if a.title == title]
    assert matches, f"no {title!r} in {[a.title for a in actions]}"
    return matches[0]


async def test_add_await(editor):
    doc = await editor.open("handler.js", FLOATING)
    diagnostics = await editor.diagnostics(doc)
    actions = await editor.actions(doc, diagnostics)
    action = titled(actions, "Add await")
    assert action.kind == lsp.CodeActionKind.QuickFix and action.is_preferred
    editor.apply(doc, action.edit)
    assert 'const label = "🚀 日本語"; await axios.post(' in doc.text
    assert await editor.diagnostics(doc) == []
    assert [a for a in await editor.actions(doc, []) if a.title == "Add await"] == []


async def test_convert_to_async_handler(editor):
    doc = await editor.open("handler.js", CALLBACK)
    (diagnostic,) = await editor.diagnostics(doc)
    assert diagnostic.code == "callback-handler"
    action = titled(await editor.actions(doc, [diagnostic]), "Convert to async handler")
    editor.apply(doc, action.edit)
    assert "exports.handler = async (event, context) => {" in doc.text
    assert "resolve({ statusCode: 200, body: String(data) });" in doc.text
    assert "callback" not in doc.text
    assert await editor.diagnostics(doc) == []


async def test_unsafe_fix_is_marked(editor):
    doc = await editor.open("timer.js", SEVERAL)
    diagnostics = await editor.diagnostics(doc)
    timer = next(d for d in diagnostics if d.code == "timer-leak")
    actions = await editor.actions(doc, [timer])
    unsafe = [a for a in actions if a.title.startswith("Await the timer")]
    assert unsafe and "unsafe" in unsafe[0].title and not unsafe[0].is_preferred


async def test_ignore_comment(editor):
    doc = await editor.open("handler.js", FLOATING)
    diagnostics = await editor.diagnostics(doc)
    editor.apply(doc, titled(await editor.actions(doc, diagnostics), "Ignore floating-promise on this line").edit)
    assert '  // lambda-leak-ignore: floating-promise\n  const label = "🚀 日本語";' in doc.text
    assert await editor.diagnostics(doc) == []


async def test_fix_all_applies_every_safe_fix(editor):
    doc = await editor.open("timer.js", SEVERAL)
    diagnostics = await editor.diagnostics(doc)
    assert sorted(d.code for d in diagnostics) == ["floating-promise", "floating-promise", "timer-leak"]
    actions = await editor.actions(doc, [], only=[lsp.CodeActionKind.SourceFixAll])
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.lambda-leak"
    editor.apply(doc, fix_all.edit)
    assert "await fetch('https://example.com');\n  await fetch('https://example.org');" in doc.text
    remaining = await editor.diagnostics(doc)
    assert [d.code for d in remaining] == ["timer-leak"]  # its fix is unsafe: left for the user
    left = await editor.actions(doc, [], only=[lsp.CodeActionKind.SourceFixAll])
    # A client that shows disabled actions learns why nothing is left to fix; others get nothing.
    assert all(a.edit is None and a.disabled.reason == "1 leak has only unsafe fixes: use the quick fix on each" for a in left)


async def test_fix_all_leaves_a_file_with_broken_syntax_alone(editor):
    doc = await editor.open("broken.js", FLOATING + "\nfunction broken( {\n")
    diagnostics = await editor.diagnostics(doc)
    assert [d.code for d in diagnostics] == ["floating-promise"] and diagnostics[0].data["fixes"]
    for action in await editor.actions(doc, [], only=[lsp.CodeActionKind.SourceFixAll]):
        assert action.edit is None and "syntax error" in action.disabled.reason


async def test_only_filter_and_stale_diagnostics(editor):
    doc = await editor.open("handler.js", FLOATING)
    diagnostics = await editor.diagnostics(doc)
    assert all(a.kind == "source.fixAll.lambda-leak" for a in await editor.actions(doc, diagnostics, only=["source"]))
    editor.replace(doc, "return \"OK\";", "return 'OK';")
    assert len(await editor.diagnostics(doc)) == 1
    # The old diagnostic's fixes were computed for version 1: no edit for the wrong text.
    stale = await editor.actions(doc, diagnostics, only=[lsp.CodeActionKind.QuickFix])
    assert stale == []


async def test_crlf_document_keeps_its_line_endings(editor):
    doc = await editor.open("handler.js", FLOATING.replace("\n", "\r\n"))
    diagnostics = await editor.diagnostics(doc)
    assert text_of(doc.text, diagnostics[0].range, editor.encoding) == "axios.post('/someApi', { label })"
    editor.apply(doc, titled(await editor.actions(doc, diagnostics), "Ignore floating-promise on this line").edit)
    assert "// lambda-leak-ignore: floating-promise\r\n" in doc.text
    assert await editor.diagnostics(doc) == []
