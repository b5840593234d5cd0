"""The editor on a nodejs24.x function: callback-style findings are errors that name the init
failure, and the quick fixes migrate the handler."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from lsp_session import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared server lives on the module's loop

TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs24.x
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: orders.handler
      CodeUri: .
  Legacy:
    Type: AWS::Serverless::Function
    Properties:
      Handler: legacy.handler
      Runtime: nodejs22.x
      CodeUri: .
"""

UNUSED = """exports.handler = async (event, context, callback) => {
  return { statusCode: 200, body: context.awsRequestId };
};
"""


async def current(editor, client, doc) -> list[lsp.Diagnostic]:
    if editor.pull:
        return await editor.diagnostics(doc)
    return list(client.diagnostics.get(doc.uri, []))


async def test_nodejs24_handler_is_an_error_with_the_removal_fix(editor, client):
    template = editor.root / "template.yaml"
    template.write_text(TEMPLATE)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
        changes=[lsp.FileEvent(uri=template.as_uri(), type=lsp.FileChangeType.Created)]))
    doc = await editor.open("orders.js", UNUSED)
    legacy = await editor.open("legacy.js", UNUSED)

    async def errors():
        return [d for d in await current(editor, client, doc) if d.severity == lsp.DiagnosticSeverity.Error]

    found = await eventually(errors)
    assert [d.code for d in found] == ["callback-handler"], await current(editor, client, doc)
    (diagnostic,) = found
    assert diagnostic.message.startswith("fails at init on nodejs24.x: Runtime.CallbackHandlerDeprecated")
    # The same code on a nodejs22.x function stays a warning.
    (other,) = await current(editor, client, legacy)
    assert other.code == "callback-handler" and other.severity == lsp.DiagnosticSeverity.Warning

    actions = await editor.actions(doc, [diagnostic])
    (action,) = [a for a in actions if a.title == "Remove the unused callback parameter"]
    assert action.kind == lsp.CodeActionKind.QuickFix
    editor.apply(doc, action.edit)
    assert doc.text.startswith("exports.handler = async (event, context) => {")
    assert await editor.diagnostics(doc) == []

    result = await client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command="lambdaLeak.listHandlers", arguments=[editor.root.as_uri()]))
    runtimes = {h["path"].rsplit("/", 1)[-1]: h["runtime"] for h in result}
    assert runtimes == {"orders.js": "nodejs24.x", "legacy.js": "nodejs22.x"}
