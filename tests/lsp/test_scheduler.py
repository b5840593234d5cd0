"""The scheduler publishes a version's diagnostics before it captures the call graph the next
version starts from, and the next analysis still starts from it (in-process, no protocol)."""

from __future__ import annotations

import logging

from lsprotocol import types as lsp

from lambda_leak.config import Config
from lambda_leak.lsp.diagnostics import DiagnosticsStore
from lambda_leak.lsp.documents import Documents
from lambda_leak.lsp.scheduler import Scheduler

URI = "file:///tmp/scheduler-test/handler.js"
SOURCE = """\
async function save(item) { return item; }
exports.handler = async (event) => {
  await save(event);
  await save(event.next);
  return 1;
};
"""


async def analysed_once(documents: Documents, on_result) -> tuple[Scheduler, object]:
    """A scheduler (no workspace, default settings) that has analysed SOURCE, opened as version 1."""
    scheduler = Scheduler(documents, DiagnosticsStore(), lambda path: Config(), lambda: None, on_result,
                          lambda: "utf-16")
    scheduler.ready.set()
    document = documents.open(lsp.TextDocumentItem(uri=URI, language_id="javascript", version=1, text=SOURCE))
    scheduler.schedule(URI)
    await scheduler.settled(URI)
    return scheduler, document


async def test_call_graph_is_kept_after_publishing(caplog):
    documents = Documents()
    published = []

    def on_result(uri, entry):
        published.append(([f.rule for f in entry.findings], documents.get(uri).call_graph))

    scheduler, document = await analysed_once(documents, on_result)
    assert published == [([], None)]  # published before the call graph was captured
    assert document.call_graph is not None and document.call_graph.data == SOURCE.encode()

    line = SOURCE.splitlines().index("  await save(event.next);")
    edit = lsp.TextDocumentContentChangePartial(
        range=lsp.Range(lsp.Position(line, 2), lsp.Position(line, 8)), text="")
    documents.change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=URI, version=2), [edit]), "utf-16")
    with caplog.at_level(logging.DEBUG, logger="lambda_leak.lsp.scheduler"):
        scheduler.schedule(URI)
        await scheduler.settled(URI)
    assert [rules for rules, _ in published] == [[], ["floating-promise"]]
    assert "incremental;" in caplog.text and "0 call edges re-used" not in caplog.text
    assert document.call_graph.data == document.text.encode()
    scheduler.shutdown()


async def test_a_change_typed_before_the_capture_leaves_the_analysed_tree_alone():
    """The document's tree is its own copy: a change that arrives between publishing and the
    capture edits it, never the analysed tree the captured call graph keeps."""
    documents = Documents()
    insert = lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), text="// x\n")

    def type_at_once(uri, entry):
        if entry.version == 1:
            documents.change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=2), [insert]), "utf-16")

    scheduler, document = await analysed_once(documents, type_at_once)
    graph = document.call_graph
    assert graph.data == SOURCE.encode()
    assert graph.tree.root_node.end_byte == len(SOURCE.encode())  # not shifted by the insertion
    assert document.tree.root_node.end_byte == len(SOURCE.encode()) + len("// x\n")  # the document's copy was
    scheduler.shutdown()
