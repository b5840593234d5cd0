"""End-to-end helpers for the real `lambda-leak server` over stdio, driven by pytest-lsp with the
client capabilities of VS Code (utf-16, push diagnostics) and Neovim (utf-8, pull diagnostics).

`Session` plays the editor: it keeps its own copy of each document, converts positions to the
negotiated encoding with its own code (not the server's), applies workspace edits locally and
sends them back as incremental changes, the way editors do.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "lambda_leak", "server"]
CLIENTS = ["visual-studio-code", "neovim"]
TIMEOUT = 20


def make_client() -> LanguageClient:
    """pytest-lsp's client, but recording each publishDiagnostics with its version."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = {}  # uri -> list of PublishDiagnosticsParams, oldest first
    client.published_event = asyncio.Event()

    def publish(client: LanguageClient, params: lsp.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.setdefault(params.uri, []).append(params)
        client.published_event.set()

    client.registrations = []

    def register(client: LanguageClient, params: lsp.RegistrationParams):
        client.registrations.extend(params.registrations)

    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
        lsp.CLIENT_REGISTER_CAPABILITY: register,
    })
    return client


# -- positions, computed independently of the server ---------------------------------------------
def units(line: str, column: int, encoding: str) -> int:
    prefix = line[:column]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix)


def column(line: str, count: int, encoding: str) -> int:
    if encoding == "utf-8":
        return len(line.encode("utf-8")[:count].decode("utf-8"))
    if encoding == "utf-16":
        return len(line.encode("utf-16-le")[: 2 * count].decode("utf-16-le"))
    return count


def lsp_position(text: str, line: int, col: int, encoding: str) -> lsp.Position:
    return lsp.Position(line=line, character=units(text.split("\n")[line], col, encoding))


def offset(text: str, position: lsp.Position, encoding: str) -> int:
    lines = text.split("\n")
    return sum(len(l) + 1 for l in lines[: position.line]) + column(lines[position.line], position.character, encoding)


def text_of(text: str, range_: lsp.Range, encoding: str) -> str:
    return text[offset(text, range_.start, encoding) : offset(text, range_.end, encoding)]


@dataclass
class Doc:
    uri: str
    path: Path
    text: str
    version: int = 1


class Session:
    def __init__(self, client: LanguageClient, root: Path, encoding: str, pull: bool):
        self.client, self.root, self.encoding, self.pull = client, root, encoding, pull

    async def open(self, name: str, text: str, language_id: str = "javascript") -> Doc:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        doc = Doc(path.as_uri(), path, text)
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=doc.uri, language_id=language_id, version=1, text=text)))
        return doc

    def close(self, doc: Doc) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(doc.uri)))

    def position(self, doc: Doc, needle: str, nth: int = 0) -> lsp.Position:
        index = -1
        for _ in range(nth + 1):
            index = doc.text.index(needle, index + 1)
        line = doc.text.count("\n", 0, index)
        col = index - (doc.text.rfind("\n", 0, index) + 1)
        return lsp_position(doc.text, line, col, self.encoding)

    def edit(self, doc: Doc, edits: list[lsp.TextEdit]) -> None:
        """Apply edits locally and send them as one incremental didChange (last edit first)."""
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        changes = []
        for e in ordered:
            start, end = offset(doc.text, e.range.start, self.encoding), offset(doc.text, e.range.end, self.encoding)
            doc.text = doc.text[:start] + e.new_text + doc.text[end:]
            changes.append(lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text))
        doc.version += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version), changes))

    def replace(self, doc: Doc, old: str, new: str) -> None:
        start = self.position(doc, old)
        index = doc.text.index(old) + len(old)
        line = doc.text.count("\n", 0, index)
        end = lsp_position(doc.text, line, index - (doc.text.rfind("\n", 0, index) + 1), self.encoding)
        self.edit(doc, [lsp.TextEdit(range=lsp.Range(start=start, end=end), new_text=new)])

    async def diagnostics(self, doc: Doc) -> list[lsp.Diagnostic]:
        """The server's diagnostics for the document's current version (pulled or pushed)."""
        if self.pull:
            report = await asyncio.wait_for(self.client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(doc.uri))), TIMEOUT)
            return list(report.items)

        async def published():
            while True:
                for params in reversed(self.client.published.get(doc.uri, [])):
                    if params.version == doc.version:
                        return list(params.diagnostics)
                self.client.published_event.clear()
                await self.client.published_event.wait()

        return await asyncio.wait_for(published(), TIMEOUT)

    async def actions(self, doc: Doc, diagnostics: list[lsp.Diagnostic], only=None, range_=None) -> list[lsp.CodeAction]:
        range_ = range_ or (diagnostics[0].range if diagnostics else lsp.Range(start=lsp.Position(0, 0), end=lsp.Position(0, 0)))
        result = await self.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(doc.uri), range=range_,
            context=lsp.CodeActionContext(diagnostics=diagnostics, only=only)))
        return list(result or [])

    def apply(self, doc: Doc, edit: lsp.WorkspaceEdit) -> None:
        """Apply a WorkspaceEdit to `doc` like an editor: refusing one for another version."""
        if edit.document_changes:
            (change,) = edit.document_changes
            assert change.text_document.uri == doc.uri
            assert change.text_document.version == doc.version, "edit computed for another version"
            self.edit(doc, list(change.edits))
        else:
            self.edit(doc, list(edit.changes[doc.uri]))


def initialize_params(client_name: str, root: Path, options=None) -> lsp.InitializeParams:
    return lsp.InitializeParams(
        capabilities=client_capabilities(client_name),
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options,
    )


async def eventually(check, timeout=15.0):
    """Poll `check` until it returns something truthy or the time is up (then its last answer)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.05)
