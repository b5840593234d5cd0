"""The workspace: background indexing with progress, cross-file changes from watched files,
and the handler list command."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from lsp_session import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared server lives on the module's loop

LIB_SYNC = """function save(item) {
  return item.id;
}
module.exports = { save };
"""

HANDLER = """const { save } = require('./lib');
exports.handler = async (event) => {
  save(event);
  return "OK";
};
"""


async def codes_now(editor, client, doc):
    if editor.pull:
        return [d.code for d in await editor.diagnostics(doc)]
    return [d.code for d in client.diagnostics.get(doc.uri, [])]


async def test_indexing_reports_progress(fresh_editor, fresh_client):
    editor, client = fresh_editor, fresh_client
    (editor.root / "a.js").write_text("exports.handler = async () => 1;\n")
    (editor.root / "b.py").write_text("def handler(event, context):\n    return 1\n")

    async def ended():
        reports = [r for rs in client.progress_reports.values() for r in rs]
        return reports if any(isinstance(r, lsp.WorkDoneProgressEnd) for r in reports) else None

    # The files were written after `initialized`; the count is whatever the walk saw then.
    reports = await eventually(ended)
    assert reports, "no progress reported"
    begin = next(r for r in reports if isinstance(r, lsp.WorkDoneProgressBegin))
    assert begin.message.startswith("Indexing ") and begin.message.endswith(" files")


async def test_changed_file_reanalyses_its_dependents(editor, client):
    lib = editor.root / "lib.js"
    lib.write_text(LIB_SYNC)
    doc = await editor.open("handler.js", HANDLER)
    assert await editor.diagnostics(doc) == []
    lib.write_text(LIB_SYNC.replace("function save", "async function save"))
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        changes=[lsp.FileEvent(uri=lib.as_uri(), type=lsp.FileChangeType.Changed)]))

    async def flagged():
        return await codes_now(editor, client, doc) == ["floating-promise"]

    assert await eventually(flagged), await codes_now(editor, client, doc)
    # A file deleted under the server: the index drops it, the server keeps serving.
    lib.unlink()
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        changes=[lsp.FileEvent(uri=lib.as_uri(), type=lsp.FileChangeType.Deleted)]))

    async def cleared():
        return await codes_now(editor, client, doc) == []

    assert await eventually(cleared), await codes_now(editor, client, doc)


PY_UTILS = """import threading


def send(item):
    threading.Thread(target=print, args=(item,)).start()
"""

PY_APP = """from utils import send


def handler(event, context):
    send(event)
    return {"statusCode": 200}
"""


async def python_pair(editor, folder_name: str):
    """app.py calls utils.send(); utils.py is open. Returns app.py's path and utils.py's document."""
    folder = editor.root / folder_name
    folder.mkdir()
    app = folder / "app.py"
    app.write_text(PY_APP)
    (folder / "utils.py").write_text(PY_UTILS)
    return app, await editor.open(f"{folder_name}/utils.py", PY_UTILS)


async def codes_become(editor, client, doc, expected) -> bool:
    async def check():
        return await codes_now(editor, client, doc) == expected
    return await eventually(check)


async def test_changed_python_file_reanalyses_its_dependents(editor, client):
    """Remove the call to `utils.send()` from app.py's handler and save: utils.py's warning goes;
    put it back: it returns."""
    app, doc = await python_pair(editor, "pyapp")
    assert await codes_become(editor, client, doc, ["thread-leak"]), await codes_now(editor, client, doc)
    for text, expected in ((PY_APP.replace("    send(event)\n", ""), []), (PY_APP, ["thread-leak"])):
        app.write_text(text)
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=app.as_uri(), type=lsp.FileChangeType.Changed)]))
        assert await codes_become(editor, client, doc, expected), await codes_now(editor, client, doc)


async def test_file_watchers_are_registered_when_the_client_allows(editor, client):
    dynamic = client.capabilities.workspace.did_change_watched_files.dynamic_registration

    async def registered():
        return [r for r in client.registrations if r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]

    found = await eventually(registered, timeout=3 if not dynamic else 15)
    assert bool(found) == bool(dynamic)


async def test_list_handlers(editor, client):
    (editor.root / "lib.js").write_text(LIB_SYNC)
    (editor.root / "handler.js").write_text(HANDLER)
    (editor.root / "app.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="lambdaLeak.listHandlers", arguments=[editor.root.as_uri()]))
    found = sorted((h["name"], h["line"], h["origin"], h["path"].rsplit("/", 1)[-1]) for h in result)
    assert found == [("handler", 1, "code", "handler.js"), ("lambda_handler", 0, "code", "app.py")]
    assert all(h["uri"].startswith("file://") for h in result)


async def test_added_workspace_folder_is_indexed_and_listed(fresh_editor, fresh_client):
    other = fresh_editor.root.parent / (fresh_editor.root.name + "-other")
    other.mkdir()
    (other / "worker.js").write_text("exports.workerHandler = async () => 1;\n")
    fresh_client.workspace_did_change_workspace_folders(lsp.DidChangeWorkspaceFoldersParams(
        event=lsp.WorkspaceFoldersChangeEvent(added=[lsp.WorkspaceFolder(uri=other.as_uri(), name="other")], removed=[])))

    async def listed():
        result = await fresh_client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="lambdaLeak.listHandlers"))
        return [h["name"] for h in result if h["path"].endswith("worker.js")]

    assert await eventually(listed) == ["workerHandler"]


SCALER = """async function publish(count) {
  return count;
}

export async function scaleUp(event) {
  publish(event.count);
  return "ok";
}
"""

SCALER_TF = """resource "aws_lambda_function" "scale_up" {
  function_name = "scale-up"
  filename      = "${path.module}/scaler/scaler.zip"
  handler       = "index.scaleUp"
  runtime       = "nodejs20.x"
}
"""


async def test_a_terraform_file_that_declares_a_handler_brings_its_findings(editor, client):
    (editor.root / "scaler" / "src").mkdir(parents=True)
    (editor.root / "scaler" / "package.json").write_text('{ "scripts": { "build": "ncc build src/lambda.ts -o dist" } }\n')
    doc = await editor.open("scaler/src/lambda.ts", SCALER)
    assert await editor.diagnostics(doc) == []  # `scaleUp` is not named like a handler
    main_tf = editor.root / "main.tf"
    main_tf.write_text(SCALER_TF)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        changes=[lsp.FileEvent(uri=main_tf.as_uri(), type=lsp.FileChangeType.Created)]))

    async def flagged():
        return await codes_now(editor, client, doc) == ["floating-promise"]

    assert await eventually(flagged), await codes_now(editor, client, doc)
    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="lambdaLeak.listHandlers", arguments=[editor.root.as_uri()]))
    listed = [(h["name"], h["origin"], h["how"]) for h in result if h["path"].endswith("lambda.ts")]
    assert listed == [("scaleUp", "main.tf", "index.js built from src/lambda.ts via ncc build in package.json scripts.build")]
