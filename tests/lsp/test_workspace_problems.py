"""`diagnostics = "workspace"`: every file's problems without opening it — pulled with LSP 3.17
`workspace/diagnostic` by VS Code, published to Neovim — kept current as files change on disk."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types as lsp

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEMPLATE = """\
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders.processOrders
      Runtime: nodejs20.x
"""
ORDERS = 'exports.processOrders = async (event) => {\n  fetch("https://example.com/audit");\n  return { ok: true };\n};\n'
TIMER = 'exports.handler = async () => {\n  setTimeout(() => console.log("late"), 10);\n  return "OK";\n};\n'
WORKER = "import threading\n\ndef lambda_handler(event, context):\n    threading.Thread(target=print).start()\n    return 1\n"
CLEAN = 'exports.handler = async () => {\n  await fetch("https://example.com");\n  return "OK";\n};\n'


async def problems(client) -> dict[str, list[str]]:
    """File name -> rule ids, for every file the server lists problems for."""
    if client.pull:
        report = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
        listed = {item.uri: item.items for item in report.items}
    else:
        listed = client.diagnostics
    return {uri.rsplit("/", 1)[-1]: sorted(str(d.code) for d in items) for uri, items in listed.items() if items}


async def until(client, wanted: dict[str, list[str]], timeout: float = 20.0) -> dict[str, list[str]]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await problems(client)
        if found == wanted or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.1)


def configure(client, mode: str) -> None:
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"lambdaLeak": {"diagnostics": mode}}))


def changed(client, path, kind=lsp.FileChangeType.Changed) -> None:
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=path.as_uri(), type=kind)]))


async def test_every_files_problems_without_opening_them(fresh_editor, fresh_client):
    editor, client = fresh_editor, fresh_client
    (editor.root / "template.yaml").write_text(TEMPLATE)
    (editor.root / "src").mkdir()
    (editor.root / "src" / "orders.js").write_text(ORDERS)  # a handler only the template names
    (editor.root / "timer.js").write_text(TIMER)
    (editor.root / "worker.py").write_text(WORKER)
    (editor.root / "clean.js").write_text(CLEAN)
    (editor.root / "node_modules" / "dep").mkdir(parents=True)
    (editor.root / "node_modules" / "dep" / "index.js").write_text(TIMER)  # never listed
    assert await until(client, {}, timeout=1) == {}, "openFiles (the default) lists closed files"

    configure(client, "workspace")
    everything = {"orders.js": ["floating-promise"], "timer.js": ["timer-leak"], "worker.py": ["thread-leak"]}
    assert await until(client, everything) == everything

    # Fixed on disk (a save from another tool, a git checkout): its problem goes.
    (editor.root / "timer.js").write_text(CLEAN)
    changed(client, editor.root / "timer.js")
    without_timer = {"orders.js": ["floating-promise"], "worker.py": ["thread-leak"]}
    assert await until(client, without_timer) == without_timer

    # Opened, the editor's text wins; closed again, the file on disk is listed again.
    doc = await editor.open("worker.py", WORKER.replace("    return 1", "    return 2"), "python")
    assert [d.code for d in await editor.diagnostics(doc)] == ["thread-leak"]
    editor.close(doc)
    assert await until(client, without_timer) == without_timer

    # Deleted: gone from the list.
    (editor.root / "src" / "orders.js").unlink()
    changed(client, editor.root / "src" / "orders.js", lsp.FileChangeType.Deleted)
    assert await until(client, {"worker.py": ["thread-leak"]}) == {"worker.py": ["thread-leak"]}

    configure(client, "openFiles")
    assert await until(client, {}) == {}


async def test_an_unchanged_workspace_is_answered_as_unchanged(fresh_editor, fresh_client):
    """VS Code pulls the workspace every 2 s: unchanged files must cost (almost) nothing."""
    editor, client = fresh_editor, fresh_client
    if not client.pull:
        pytest.skip("workspace/diagnostic is for pull clients")
    (editor.root / "timer.js").write_text(TIMER)
    configure(client, "workspace")
    assert await until(client, {"timer.js": ["timer-leak"]}) == {"timer.js": ["timer-leak"]}
    first = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=[]))
    previous = [lsp.PreviousResultId(uri=item.uri, value=item.result_id) for item in first.items]
    again = await client.workspace_diagnostic_async(lsp.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert again.items and all(isinstance(item, lsp.WorkspaceUnchangedDocumentDiagnosticReport) for item in again.items)
