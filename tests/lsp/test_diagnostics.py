"""Diagnostics as the user types: open, edit, close, pull, positions with emoji and CJK."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from lsp_session import text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared server lives on the module's loop

FLOATING = """const axios = require('axios');
exports.handler = async (event, context) => {
  const label = "🚀 日本語 ✓"; axios.post('/someApi', { label });
  return "OK";
};
"""


async def test_open_reports_the_leak_at_the_right_place(editor):
    doc = await editor.open("handler.js", FLOATING)
    (diagnostic,) = await editor.diagnostics(doc)
    assert diagnostic.code == "floating-promise"
    assert diagnostic.source == "lambda-leak"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Warning
    assert diagnostic.code_description.href.endswith("/docs/rules/floating-promise.md")
    assert "not awaited" in diagnostic.message
    # The emoji and CJK before the call on the same line must not shift the range.
    assert text_of(doc.text, diagnostic.range, editor.encoding) == "axios.post('/someApi', { label })"
    assert diagnostic.data["version"] == doc.version
    assert diagnostic.data["fixes"][0]["title"] == "Add await"


async def test_edits_update_the_diagnostics(editor):
    doc = await editor.open("handler.js", FLOATING)
    assert len(await editor.diagnostics(doc)) == 1
    editor.replace(doc, "axios.post(", "await axios.post(")
    assert await editor.diagnostics(doc) == []
    editor.replace(doc, "await axios.post(", "axios.post(")
    (diagnostic,) = await editor.diagnostics(doc)
    assert text_of(doc.text, diagnostic.range, editor.encoding).startswith("axios.post(")


async def test_push_only_without_pull_support(editor, client):
    doc = await editor.open("handler.js", FLOATING)
    await editor.diagnostics(doc)
    if editor.pull:
        assert doc.uri not in client.published
    else:
        assert client.published[doc.uri][-1].version == doc.version


async def test_pull_reports_unchanged_for_the_same_result_id(editor, client):
    doc = await editor.open("handler.js", FLOATING)
    params = lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(doc.uri))
    first = await client.text_document_diagnostic_async(params)
    assert first.kind == "full" and len(first.items) == 1 and first.result_id
    params.previous_result_id = first.result_id
    second = await client.text_document_diagnostic_async(params)
    assert second.kind == "unchanged" and second.result_id == first.result_id
    editor.replace(doc, "axios.post(", "await axios.post(")
    third = await client.text_document_diagnostic_async(params)
    assert third.kind == "full" and list(third.items) == [] and third.result_id != first.result_id
    workspace = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
    (item,) = [i for i in workspace.items if i.uri == doc.uri]  # other tests' documents are open too
    assert item.uri == doc.uri and item.version == doc.version and list(item.items) == []


async def test_closing_clears_pushed_diagnostics(editor, client):
    doc = await editor.open("handler.js", FLOATING)
    assert await editor.diagnostics(doc)
    editor.close(doc)
    await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc.uri), lsp.Position(0, 0)))
    if not editor.pull:
        assert list(client.published[doc.uri][-1].diagnostics) == []


async def test_clean_handler_stays_silent(editor):
    doc = await editor.open("clean.js", FLOATING.replace("axios.post(", "await axios.post("))
    assert await editor.diagnostics(doc) == []


async def test_hover_explains_the_finding(editor, client):
    doc = await editor.open("handler.js", FLOATING)
    await editor.diagnostics(doc)
    position = editor.position(doc, "post(")
    result = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc.uri), position))
    assert result is not None and result.contents.kind == lsp.MarkupKind.Markdown
    assert "floating-promise" in result.contents.value and "not awaited" in result.contents.value
    (diagnostic,) = await editor.diagnostics(doc)
    assert diagnostic.message not in result.contents.value  # the editor shows it already: once is enough
    # From docs/rules/floating-promise.md, shipped in the package:
    assert "**Why it leaks on Lambda**" in result.contents.value and "**Fix**" in result.contents.value
    assert text_of(doc.text, result.range, editor.encoding).startswith("axios.post(")
    nothing = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(doc.uri), lsp.Position(0, 2)))
    assert nothing is None


PYTHON = """import threading

def lambda_handler(event, context):
    label = "🚀 日本語"; t = threading.Thread(target=print, args=(label,)); t.start()
    return {"ok": True}
"""


async def test_python_handler(editor):
    doc = await editor.open("app.py", PYTHON, language_id="python")
    (diagnostic,) = await editor.diagnostics(doc)
    assert diagnostic.code == "thread-leak"
    assert text_of(doc.text, diagnostic.range, editor.encoding).startswith("t.start()")


async def test_untitled_buffer_is_analysed_by_its_language(editor, client):
    uri = "untitled:Untitled-1"
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri=uri, language_id="javascript", version=1, text=FLOATING)))
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri)))
    assert [d.code for d in report.items] == ["floating-promise"]
