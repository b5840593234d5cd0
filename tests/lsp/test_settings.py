"""Editor settings: initializationOptions, workspace/configuration, didChangeConfiguration,
bad values (one message, no crash) and the project's config file taking precedence."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as lsp

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared server lives on the module's loop


@pytest.fixture
def editor(fresh_editor):
    return fresh_editor  # every test here starts its own server with its own settings


@pytest.fixture
def client(fresh_client):
    return fresh_client

SEVERAL = """exports.handler = async (event, context) => {
  setTimeout(() => {
    console.log("later");
  }, 20);
  fetch('https://example.com');
  return "OK";
};
"""


def codes(diagnostics):
    return sorted(d.code for d in diagnostics)


@pytest.mark.init_options({"ignore": ["timer-leak"]})
async def test_initialization_options(editor):
    doc = await editor.open("h.js", SEVERAL)
    assert codes(await editor.diagnostics(doc)) == ["floating-promise"]


@pytest.mark.init_options([{"workspace": "file:///elsewhere", "settings": {"ignore": ["floating-promise"]}}])
async def test_per_folder_settings_apply_to_their_folder_only(editor):
    doc = await editor.open("h.js", SEVERAL)
    assert codes(await editor.diagnostics(doc)) == ["floating-promise", "timer-leak"]


@pytest.mark.client_configuration({"lambdaLeak": {"severity": {"floating-promise": "error"}}})
async def test_workspace_configuration_is_requested(editor):
    doc = await editor.open("h.js", SEVERAL)
    diagnostics = await editor.diagnostics(doc)
    severity = {d.code: d.severity for d in diagnostics}
    assert severity == {"floating-promise": lsp.DiagnosticSeverity.Error, "timer-leak": lsp.DiagnosticSeverity.Warning}


async def test_configuration_change_reanalyses(editor, client):
    doc = await editor.open("h.js", SEVERAL)
    assert codes(await editor.diagnostics(doc)) == ["floating-promise", "timer-leak"]
    # Pushed inline, as some clients do.
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"lambdaLeak": {"select": ["timer-leak"]}}))
    await wait_for_codes(editor, client, doc, ["timer-leak"])
    # Announced only: the server asks for the section.
    client.set_configuration({"lambdaLeak": {"ignore": ["timer-leak"]}})
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await wait_for_codes(editor, client, doc, ["floating-promise"])


async def wait_for_codes(editor, client, doc, expected):
    """Settings apply without an edit: push clients get a new publish, pull clients a refresh."""
    for _ in range(100):
        if editor.pull:
            found = codes(await editor.diagnostics(doc))
        else:
            found = codes(client.diagnostics.get(doc.uri, []))
        if found == expected:
            return
        await asyncio.sleep(0.05)
    assert found == expected


@pytest.mark.init_options({"select": ["no-such-rule"], "run": "sometimes", "maxFileSize": -1, "ignore": ["timer-leak"]})
async def test_bad_settings_give_one_message_and_the_good_ones_apply(editor, client):
    doc = await editor.open("h.js", SEVERAL)
    assert codes(await editor.diagnostics(doc)) == ["floating-promise"]
    editor.replace(doc, 'return "OK";', 'return "ok";')
    await editor.diagnostics(doc)
    (warning,) = [m.message for m in client.messages]
    assert "no-such-rule" in warning and "`run`" in warning and "maxFileSize" in warning


async def test_project_config_file_wins_and_editor_fills_the_rest(editor, client):
    (editor.root / "lambda-leak.toml").write_text('ignore = ["floating-promise"]\n')
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
        settings={"lambdaLeak": {"ignore": ["timer-leak"], "severity": {"timer-leak": "error"}}}))
    doc = await editor.open("h.js", SEVERAL)
    await asyncio.sleep(0.1)
    diagnostics = await editor.diagnostics(doc)
    # The file's `ignore` wins over the editor's; the editor's `severity` fills in.
    assert [(d.code, d.severity) for d in diagnostics] == [("timer-leak", lsp.DiagnosticSeverity.Error)]


async def test_broken_project_config_is_reported_once(editor, client):
    (editor.root / "lambda-leak.toml").write_text("ignore = [\n")
    doc = await editor.open("h.js", SEVERAL)
    assert codes(await editor.diagnostics(doc)) == ["floating-promise", "timer-leak"]
    editor.replace(doc, 'return "OK";', 'return "ok";')
    await editor.diagnostics(doc)
    assert len([m for m in client.messages if "not valid TOML" in m.message]) == 1


@pytest.mark.init_options({"run": "onSave"})
async def test_run_on_save(editor, client):
    doc = await editor.open("h.js", SEVERAL)
    assert codes(await editor.diagnostics(doc)) == ["floating-promise", "timer-leak"]
    editor.replace(doc, "fetch('https://example.com');", "await fetch('https://example.com');")
    if editor.pull:  # the last result stands until the file is saved
        assert codes(await editor.diagnostics(doc)) == ["floating-promise", "timer-leak"]
        # ... even when something else asks for a re-analysis (settings, indexing, another file)
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
            settings={"lambdaLeak": {"run": "onSave"}}))
        await asyncio.sleep(0.3)
        assert codes(await editor.diagnostics(doc)) == ["floating-promise", "timer-leak"]
        workspace = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
        [report] = [r for r in workspace.items if r.uri == doc.uri]
        assert sorted(d.code for d in report.items) == ["floating-promise", "timer-leak"]
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(doc.uri)))
    assert codes(await editor.diagnostics(doc)) == ["timer-leak"]
