"""Bad input never stops the server: malformed params, binary text, oversized files, a burst of
1,000 changes (with the incremental tree checked against a fresh analysis)."""

from __future__ import annotations

import asyncio
import json
import random
import sys

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_session import Session, initialize_params, lsp_position, make_client
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared server lives on the module's loop

HANDLER = """exports.handler = async (event, context) => {
  const label = "🚀 日本語";
  fetch('https://example.com');
  return "OK";
};
"""


async def alive(client, doc) -> None:
    """The server still answers requests."""
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(doc.uri), range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        context=lsp.CodeActionContext(diagnostics=[])))
    assert isinstance(result, (list, tuple)), result


def send_raw(client, message: dict | str) -> asyncio.Future | None:
    """Write a message as-is, past the client's type checks; for requests, a future for the answer."""
    body = (message if isinstance(message, str) else json.dumps({"jsonrpc": "2.0", **message})).encode()
    future = None
    if isinstance(message, dict) and "id" in message:
        future = asyncio.get_running_loop().create_future()
        client.protocol._request_futures[message["id"]] = future
    client.protocol.writer.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return future


async def test_malformed_params(editor, client):
    doc = await editor.open("h.js", HANDLER)
    assert len(await editor.diagnostics(doc)) == 1
    send_raw(client, "{this is not json")
    send_raw(client, {"method": "textDocument/didChange", "params": {"textDocument": {"uri": doc.uri}, "contentChanges": "nonsense"}})
    send_raw(client, {"method": "textDocument/didOpen", "params": {"textDocument": 42}})
    send_raw(client, {"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": doc.uri, "version": 99},
        "contentChanges": [{"range": {"start": {"line": 500, "character": 9}, "end": {"line": -3, "character": 0}}, "text": ""}],
    }})
    requests = [
        ("textDocument/codeAction", {"textDocument": {"uri": doc.uri}}),
        ("textDocument/hover", {"textDocument": {"uri": doc.uri}, "position": {"line": "x"}}),
        ("textDocument/diagnostic", {"textDocument": {}}),
        ("workspace/executeCommand", {"command": "lambdaLeak.nope"}),
        ("workspace/executeCommand", {"command": "lambdaLeak.listHandlers", "arguments": [{"odd": True}, 7]}),
    ]
    for number, (method, params) in enumerate(requests):
        future = send_raw(client, {"id": f"raw-{number}", "method": method, "params": params})
        try:
            await asyncio.wait_for(future, 10)  # an answer, error or not, is what matters
        except asyncio.TimeoutError:
            raise AssertionError(f"no answer to malformed {method}") from None
        except Exception:  # noqa: BLE001 - an error response is the right answer
            pass
    # Fix data a client mangled is skipped, not trusted.
    bad = lsp.Diagnostic(range=lsp.Range(lsp.Position(2, 2), lsp.Position(2, 5)), message="x", source="lambda-leak",
                         code="floating-promise", data={"version": 99, "fixes": [{"title": 1}, "junk"]})
    await editor.actions(doc, [bad])
    await alive(client, doc)


async def test_binary_and_oversized_content(editor, client):
    binary = await editor.open("bin.js", "\x00\x01\x02 exports.handler = async () => { fetch('x'); };")
    assert await editor.diagnostics(binary) == []
    big = await editor.open("big.js", HANDLER + "// padding\n" * 250_000)
    assert await editor.diagnostics(big) == []  # over the 2 MB default: skipped, not analysed
    await alive(client, big)


async def test_dependencies_are_not_analysed(editor, client):
    vendored = await editor.open("node_modules/dep/index.js", HANDLER)
    assert await editor.diagnostics(vendored) == []
    own = await editor.open("src/index.js", HANDLER)
    assert [d.code for d in await editor.diagnostics(own)] == ["floating-promise"]


@pytest.mark.init_options({"maxFileSize": 100})
async def test_size_limit_is_configurable(fresh_editor):
    doc = await fresh_editor.open("h.js", HANDLER)
    assert await fresh_editor.diagnostics(doc) == []


async def test_burst_of_changes_matches_a_fresh_analysis(editor, client):
    doc = await editor.open("h.js", HANDLER * 3)
    await editor.diagnostics(doc)
    rng = random.Random(5)
    snippets = ["fetch('u');", "await ", "x", "🚀", "日本", "\n", "  ", "})", "return 1;", ""]
    for _ in range(1000):
        lines = doc.text.split("\n")
        line = rng.randrange(len(lines))
        start = rng.randrange(len(lines[line]) + 1)
        end = min(len(lines[line]), start + rng.randrange(3))
        editor.edit(doc, [lsp.TextEdit(
            range=lsp.Range(lsp_position(doc.text, line, start, editor.encoding), lsp_position(doc.text, line, end, editor.encoding)),
            new_text=rng.choice(snippets))])
    diagnostics = await editor.diagnostics(doc)
    expected = analyse_source(str(doc.path), doc.text, Config())
    assert [(d.code, d.range.start.line) for d in diagnostics] == [(f.rule, f.range.start.line) for f in expected.findings]
    if not editor.pull:  # a stale result is never published after a newer one
        versions = [p.version for p in client.published[doc.uri]]
        assert versions == sorted(versions) and versions[-1] == doc.version
    await alive(client, doc)


# The real server, with an engine that crashes on files named `boom*` (patched before serving).
CRASHING_SERVER = [sys.executable, "-c", """
import lambda_leak.lsp.scheduler as scheduler
real = scheduler.analyse_source
def analyse_source(path, *args, **kwargs):
    if "boom" in path:
        raise RuntimeError("engine exploded")
    return real(path, *args, **kwargs)
scheduler.analyse_source = analyse_source
from lambda_leak.lsp.server import serve
serve()
"""]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=CRASHING_SERVER, client_factory=make_client), loop_scope="module")
async def crashing(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(initialize_params("visual-studio-code", tmp_path))
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


async def test_an_analysis_exception_costs_one_file(crashing):
    editor = Session(crashing, crashing.root, "utf-16", pull=False)
    boom = await editor.open("boom.js", HANDLER)
    assert await editor.diagnostics(boom) == []
    fine = await editor.open("fine.js", HANDLER)
    assert [d.code for d in await editor.diagnostics(fine)] == ["floating-promise"]
    editor.replace(boom, "fetch(", "await fetch(")
    assert await editor.diagnostics(boom) == []
    await alive(crashing, fine)
