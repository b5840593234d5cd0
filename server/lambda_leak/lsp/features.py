"""The LSP methods the server answers, one short handler each; the work is done by the
documents, scheduler, store, code actions, hover, settings and workspace index."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import to_fs_path

from lambda_leak.lsp.code_actions import KINDS, CodeActions
from lambda_leak.lsp.hover import hover
from lambda_leak.lsp.diagnostics import Entry
from lambda_leak.lsp.server import LIST_HANDLERS, SECTION, LambdaLeakServer
from lambda_leak.lsp.workspace_index import WATCH_GLOBS

log = logging.getLogger("lambda_leak.lsp")


async def pulled_entry(ls: LambdaLeakServer, uri: str) -> Entry | None:
    """The entry a diagnostic pull answers with: with `run = "onSave"` the last result stands until the
    file is saved (unsaved edits are not analysed; the analysis a save queued is waited for),
    otherwise the newest version's."""
    document = ls.documents.get(uri)
    entry = ls.store.get(uri)
    if document is not None and entry is not None and ls.run_mode(document.path) == "onSave":
        return await ls.scheduler.settled(uri)
    return await ls.scheduler.current(uri)


def register_features(server: LambdaLeakServer) -> None:  # noqa: C901 - one short handler per LSP method
    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LambdaLeakServer, params: lsp.InitializeParams):
        folders = [to_fs_path(f.uri) for f in params.workspace_folders or []]
        if not folders and (params.root_uri or params.root_path):
            folders = [to_fs_path(params.root_uri) if params.root_uri else params.root_path]
        ls.index.folders = [Path(f) for f in folders if f]
        if params.initialization_options is not None:
            ls.load_settings(params.initialization_options, "initializationOptions")

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: LambdaLeakServer, params: lsp.InitializedParams):
        if ls.client_has("workspace.did_change_watched_files.dynamic_registration"):
            watchers = [lsp.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS]
            registration = lsp.Registration(
                id="lambda-leak-watched-files",
                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
            try:
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
            except Exception as error:  # noqa: BLE001
                log.warning("could not register file watchers: %s", error)
        try:
            await ls.pull_configuration()
        finally:
            ls.scheduler.ready.set()
        asyncio.get_running_loop().create_task(ls.index_workspace())

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LambdaLeakServer, params: lsp.DidOpenTextDocumentParams):
        ls.documents.open(params.text_document)
        ls.workspace_problems.opened(params.text_document.uri)
        ls.scheduler.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LambdaLeakServer, params: lsp.DidChangeTextDocumentParams):
        document = ls.documents.change(params, ls.encoding)
        if document is not None and ls.run_mode(document.path) == "onType":
            ls.scheduler.schedule(document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LambdaLeakServer, params: lsp.DidSaveTextDocumentParams):
        document = ls.documents.get(params.text_document.uri)
        if document is not None and ls.run_mode(document.path) == "onSave":
            ls.scheduler.schedule(document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: LambdaLeakServer, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        document = ls.documents.get(uri)
        ls.documents.close(uri)
        ls.scheduler.forget(uri)
        ls.store.remove(uri)
        if ls.workspace_problems.active and document is not None:
            # The file on disk (maybe without the unsaved edits) is listed again, as a closed file.
            await asyncio.get_running_loop().run_in_executor(ls.index_executor, ls.workspace_problems.analyse, Path(document.path))
        elif not ls.pull_client:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC, lsp.DiagnosticOptions(
        identifier="lambda-leak", inter_file_dependencies=True, workspace_diagnostics=True))
    async def document_diagnostic(ls: LambdaLeakServer, params: lsp.DocumentDiagnosticParams):
        uri = params.text_document.uri
        entry = await pulled_entry(ls, uri)
        if entry is None:
            return lsp.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == entry.result_id:
            return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=entry.result_id)
        return lsp.RelatedFullDocumentDiagnosticReport(items=entry.diagnostics, result_id=entry.result_id)

    @server.feature(lsp.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: LambdaLeakServer, params: lsp.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        items = []
        for document in ls.documents:
            entry = await pulled_entry(ls, document.uri)
            if entry is None:
                continue
            if previous.get(document.uri) == entry.result_id:
                items.append(lsp.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=document.uri, version=entry.version, result_id=entry.result_id))
            else:
                items.append(lsp.WorkspaceFullDocumentDiagnosticReport(
                    uri=document.uri, version=entry.version, items=entry.diagnostics, result_id=entry.result_id))
        for uri, entry in ls.workspace_problems.entries():  # closed files, with `diagnostics = "workspace"`
            if previous.get(uri) == entry.result_id:
                items.append(lsp.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=None, result_id=entry.result_id))
            else:
                items.append(lsp.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=None, items=entry.diagnostics, result_id=entry.result_id))
        return lsp.WorkspaceDiagnosticReport(items=items)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=KINDS))
    async def code_action(ls: LambdaLeakServer, params: lsp.CodeActionParams):
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return []
        actions = CodeActions(ls.client_has("workspace.workspace_edit.document_changes"), ls.encoding,
                              ls.fix_text, ls.client_has("text_document.code_action.disabled_support"))
        # Off the loop: fix-all checks that the fixed text still parses.
        return await asyncio.get_running_loop().run_in_executor(
            ls.index_executor, actions.actions, document, ls.store.get(document.uri), params
        )

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: LambdaLeakServer, params: lsp.HoverParams):
        document = ls.documents.get(params.text_document.uri)
        entry = ls.store.get(params.text_document.uri)
        if document is None or entry is None or entry.version != document.version:
            return None
        return hover(entry, entry.lines, params.position, ls.encoding)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: LambdaLeakServer, params: lsp.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict) and SECTION in settings:
            ls.load_settings(settings[SECTION], "didChangeConfiguration")
        else:
            await ls.pull_configuration()
        ls.reanalyse_open_documents()
        await ls.sync_workspace_problems()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_workspace_folders(ls: LambdaLeakServer, params: lsp.DidChangeWorkspaceFoldersParams):
        removed = {Path(to_fs_path(f.uri)) for f in params.event.removed}
        added = [Path(to_fs_path(f.uri)) for f in params.event.added]
        ls.index.folders = [f for f in ls.index.folders if f not in removed] + added
        for folder in removed:
            ls.settings.folders.pop(str(folder), None)
        await ls.pull_configuration()
        asyncio.get_running_loop().create_task(ls.index_workspace())

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: LambdaLeakServer, params: lsp.DidChangeWatchedFilesParams):
        loop = asyncio.get_running_loop()
        changed: set[Path] | None = set()
        for change in params.changes:
            path = to_fs_path(change.uri)
            if not path:
                continue
            deleted = change.type == lsp.FileChangeType.Deleted
            try:
                affected = await loop.run_in_executor(ls.index_executor, ls.index.file_changed, Path(path), deleted)
            except Exception:  # noqa: BLE001 - e.g. deleted while being read: the index keeps going
                log.exception("updating the index for %s failed", path)
                affected = None
            changed = None if affected is None or changed is None else changed | affected | {Path(path)}
        ls.reanalyse_open_documents(changed)
        if ls.workspace_problems.active:
            if changed is None:
                await loop.run_in_executor(ls.index_executor, ls.workspace_problems.analyse_all, ls.index.folders)
            else:
                await loop.run_in_executor(ls.index_executor, ls.workspace_problems.refresh, changed)

    @server.command(LIST_HANDLERS)
    async def list_handlers(ls: LambdaLeakServer, *args):
        paths = []
        for arg in args:
            for item in arg if isinstance(arg, list) else [arg]:
                if isinstance(item, str):
                    paths.append(Path(to_fs_path(item) if "://" in item else item))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(ls.index_executor, ls.index.handlers, paths, ls.settings.overrides())

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: LambdaLeakServer, params):
        ls.scheduler.shutdown()
        ls.shutdown_requested = True  # after: a failed shutdown is no shutdown (pygls' own flag agrees)

    @server.feature(lsp.EXIT)
    def exit_(ls: LambdaLeakServer, params):
        ls.exit_code = 0 if ls.shutdown_requested else 1
