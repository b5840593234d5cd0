"""The pygls language server: wiring of documents, analysis, diagnostics, actions and settings.

`lambda-leak server` (and `python -m lambda_leak server`) call `serve()`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from pathlib import Path

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from lambda_leak import __version__
from lambda_leak.lsp.code_actions import KINDS, CodeActions
from lambda_leak.lsp.diagnostics import DiagnosticsStore, Entry
from lambda_leak.lsp.documents import Documents
from lambda_leak.lsp.hover import hover
from lambda_leak.lsp.positions import negotiated
from lambda_leak.lsp.scheduler import Scheduler
from lambda_leak.lsp.settings import LOG_LEVELS, Settings
from lambda_leak.lsp.workspace_index import WATCH_GLOBS, WorkspaceIndex

log = logging.getLogger("lambda_leak.lsp")
SECTION = "lambdaLeak"
LIST_HANDLERS = "lambdaLeak.listHandlers"
CONFIGURATION_TIMEOUT = 5.0  # seconds to wait for a client's settings before analysing anyway


class LambdaLeakProtocol(LanguageServerProtocol):
    """Leaves document text to `Documents`, which also keeps each syntax tree in step."""

    def _user(self, method, params):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                # pygls drops a request it cannot read; answer it so the client is not left waiting.
                self._send_response(data["id"], None, error.to_response_error())
            raise

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params):
        yield from self._user(lsp.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params):
        yield from self._user(lsp.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params):
        yield from self._user(lsp.TEXT_DOCUMENT_DID_CLOSE, params)


class LambdaLeakServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("lambda-leak", __version__, protocol_cls=LambdaLeakProtocol, max_workers=2)
        self.documents = Documents()
        self.store = DiagnosticsStore()
        self.settings = Settings()
        self.index = WorkspaceIndex()
        self.scheduler = Scheduler(
            self.documents, self.store, self.config_for, lambda: self.index.workspace, self.on_result, lambda: self.encoding
        )
        self._shown: set[str] = set()

    # -- client facts -------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        try:
            return negotiated(self.server_capabilities.position_encoding)
        except AttributeError:
            return "utf-16"

    def client_has(self, dotted: str) -> bool:
        value = self.client_capabilities
        for part in dotted.split("."):
            value = getattr(value, part, None)
            if value is None:
                return False
        return bool(value)

    @property
    def pull_client(self) -> bool:
        return getattr(getattr(self.client_capabilities, "text_document", None), "diagnostic", None) is not None

    # -- messages ------------------------------------------------------------------------------
    def warn_once(self, message: str) -> None:
        """Tell the user about a bad setting once, not on every keystroke."""
        log.warning("%s", message)
        if message not in self._shown:
            self._shown.add(message)
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"lambda-leak: {message}"))

    def report_server_error(self, error, source) -> None:
        log.error("%s: %s", getattr(source, "__name__", source), error)  # logged, never a popup per error

    # -- analysis ------------------------------------------------------------------------------
    def config_for(self, path: str):
        config, error = self.settings.config_for(path)
        if error:
            self.warn_once(error)
        return config

    def run_mode(self, path: str) -> str:
        return self.settings.for_path(path).run

    def on_result(self, uri: str, entry: Entry) -> None:
        if not self.pull_client:
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=entry.diagnostics, version=entry.version)
            )

    def reanalyse_open_documents(self, only: set[Path] | None = None) -> None:
        """Re-analyse every open document, or those whose path is in `only` (index keys)."""
        for document in self.documents:
            if only is None or self.index.depends(document.path, only):
                self.scheduler.schedule(document.uri)
        if self.pull_client and self.client_has("workspace.diagnostics.refresh_support"):
            self.workspace_diagnostic_refresh(None)

    def load_settings(self, data, origin: str, folder: str | None = None) -> None:
        errors = self.settings.load(data, origin, folder)
        if errors:  # one message for the lot; the good settings still apply
            self.warn_once("settings left out: " + "; ".join(errors))
        # Logs go to stderr, which every client shows in its language-server log.
        logging.getLogger("lambda_leak").setLevel(LOG_LEVELS[self.settings.global_settings.log_level])

    async def pull_configuration(self) -> None:
        if not self.client_has("workspace.configuration"):
            return
        folders = [str(f) for f in self.index.folders]
        items = [lsp.ConfigurationItem(section=SECTION)]
        items += [lsp.ConfigurationItem(section=SECTION, scope_uri=Path(f).as_uri()) for f in folders]
        try:
            results = await asyncio.wait_for(
                self.workspace_configuration_async(lsp.ConfigurationParams(items=items)), CONFIGURATION_TIMEOUT
            )
        except Exception as error:  # noqa: BLE001 - a client that cannot answer keeps its old settings
            log.warning("workspace/configuration failed: %s", error)
            return
        if results and results[0] is not None:
            self.load_settings(results[0], "workspace/configuration")
        for folder, value in zip(folders, (results or [])[1:]):
            if value is not None:
                self.load_settings(value, f"workspace/configuration ({folder})", folder)

    async def index_workspace(self) -> None:
        token = str(uuid.uuid4())
        loop = asyncio.get_running_loop()
        progress = self.client_has("window.work_done_progress")
        try:
            if progress:
                await self.work_done_progress.create_async(token)
            count = await loop.run_in_executor(self.index_executor, self.index.count_files)
            if progress:
                self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title="lambda-leak", message=f"Indexing {count} files", percentage=0))
            await loop.run_in_executor(self.index_executor, self.index.build)
            if progress:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=f"Indexed {count} files"))
        except Exception:  # noqa: BLE001 - without an index, files are still analysed one by one
            log.exception("indexing the workspace failed")
            if progress:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="Indexing failed; see the log"))
        self.reanalyse_open_documents()

    @property
    def index_executor(self):
        return self.thread_pool


def create_server() -> LambdaLeakServer:
    server = LambdaLeakServer()
    register_features(server)
    return server


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
    def did_close(ls: LambdaLeakServer, params: lsp.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        ls.documents.close(uri)
        ls.scheduler.forget(uri)
        ls.store.remove(uri)
        if not ls.pull_client:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_DIAGNOSTIC, lsp.DiagnosticOptions(
        identifier="lambda-leak", inter_file_dependencies=True, workspace_diagnostics=True))
    async def document_diagnostic(ls: LambdaLeakServer, params: lsp.DocumentDiagnosticParams):
        uri = params.text_document.uri
        document = ls.documents.get(uri)
        if document is not None and ls.run_mode(document.path) == "onSave" and ls.store.get(uri) is not None:
            entry = ls.store.get(uri)
        else:
            entry = await ls.scheduler.current(uri)
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
            entry = await ls.scheduler.current(document.uri)
            if entry is None:
                continue
            if previous.get(document.uri) == entry.result_id:
                items.append(lsp.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=document.uri, version=entry.version, result_id=entry.result_id))
            else:
                items.append(lsp.WorkspaceFullDocumentDiagnosticReport(
                    uri=document.uri, version=entry.version, items=entry.diagnostics, result_id=entry.result_id))
        return lsp.WorkspaceDiagnosticReport(items=items)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=KINDS))
    def code_action(ls: LambdaLeakServer, params: lsp.CodeActionParams):
        document = ls.documents.get(params.text_document.uri)
        if document is None:
            return []
        actions = CodeActions(ls.client_has("workspace.workspace_edit.document_changes"), ls.encoding)
        return actions.actions(document, ls.store.get(document.uri), params)

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
            changed = None if affected is None or changed is None else changed | affected
        ls.reanalyse_open_documents(changed)

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


def serve(tcp: str | None = None) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="lambda-leak %(levelname)s %(name)s: %(message)s")
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
