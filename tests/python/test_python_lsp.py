"""The Python rules through the real `lambda-leak server` over stdio: diagnostics, quick fixes
applied like an editor applies them, and fresh results after every edit (no stale trees)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from lsp_session import SERVER, Session, initialize_params, make_client  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

ASYNC_HANDLER = '''"""Orders."""
import json


async def publish(order):
    return order


async def lambda_handler(event, context):
    publish(event)
    return {"statusCode": 200, "body": json.dumps(event)}
'''

THREADED = """import threading


def send(item):
    print(item)


def handler(event, context):
    worker = threading.Thread(target=send, args=(event,))
    worker.start()
    return "ok"
"""


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, client_factory=make_client))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("python-workspace")
    result = await lsp_client.initialize_session(initialize_params("visual-studio-code", root))
    encoding = result.capabilities.position_encoding
    lsp_client.root = root
    lsp_client.encoding = getattr(encoding, "value", encoding) or "utf-16"
    lsp_client.pull = lsp_client.capabilities.text_document.diagnostic is not None
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client, request) -> Session:
    folder = client.root / request.node.name
    folder.mkdir()
    return Session(client, folder, client.encoding, client.pull)


def _rules(diagnostics) -> list[tuple[str, int]]:
    return sorted((str(d.code), d.range.start.line) for d in diagnostics)


async def test_async_handler_fixes(editor):
    doc = await editor.open("app.py", ASYNC_HANDLER, language_id="python")
    diagnostics = await editor.diagnostics(doc)
    assert _rules(diagnostics) == [("async-handler", 8), ("unawaited-coroutine", 9)]

    wrap = [d for d in diagnostics if d.code == "async-handler"]
    actions = await editor.actions(doc, wrap, range_=wrap[0].range)
    (run,) = [a for a in actions if a.title == "Run with asyncio.run"]
    editor.apply(doc, run.edit)
    assert "def lambda_handler(event, context):\n    return asyncio.run(_lambda_handler_async(event, context))" in doc.text
    assert doc.text.startswith('"""Orders."""\nimport asyncio\nimport json\n')
    compile(doc.text, "app.py", "exec")
    diagnostics = await editor.diagnostics(doc)
    assert _rules(diagnostics) == [("unawaited-coroutine", 10)]

    actions = await editor.actions(doc, diagnostics)
    (add_await,) = [a for a in actions if a.title.startswith("Add await")]  # unsafe: titled so
    editor.apply(doc, add_await.edit)
    assert "    await publish(event)\n" in doc.text
    assert await editor.diagnostics(doc) == []


async def test_edits_are_reanalysed(editor):
    doc = await editor.open("worker.py", THREADED, language_id="python")
    assert _rules(await editor.diagnostics(doc)) == [("thread-leak", 9)]
    editor.replace(doc, "    worker.start()\n", "    worker.start()\n    worker.join()\n")
    assert await editor.diagnostics(doc) == []
    editor.replace(doc, "    worker.join()\n", "")
    assert _rules(await editor.diagnostics(doc)) == [("thread-leak", 9)]
