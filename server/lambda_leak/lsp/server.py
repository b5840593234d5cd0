"""The pygls language server: its state (documents, analysis scheduler, diagnostics store,
settings, workspace index) and how it talks to the client. The LSP handlers are in `features.py`.

`lambda-leak server` (and `python -m lambda_leak server`) call `serve()`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import uuid
from pathlib import Path

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from lambda_leak import __version__
from lambda_leak.lsp.diagnostics import DiagnosticsStore, Entry
from lambda_leak.lsp.documents import Documents
from lambda_leak.lsp.positions import negotiated
from lambda_leak.lsp.scheduler import Scheduler
from lambda_leak.lsp.settings import LOG_LEVELS, Settings
from lambda_leak.lsp.stdio import loop_can_read_stdin, serve_on_loop
from lambda_leak.lsp.workspace_diagnostics import WORKSPACE, WorkspaceDiagnostics
from lambda_leak.lsp.workspace_index import WorkspaceIndex
from lambda_leak.model import FileReport

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

    def publish_diagnostics(self, uri: str, version: int | None, payload: list[dict]) -> None:
        """`textDocument/publishDiagnostics` with diagnostics already in JSON form (`Entry.payload`):
        encoded as they are, not walked by pygls' converter first."""
        params = {"uri": uri, "diagnostics": payload}
        if version is not None:
            params["version"] = version
        self._send_data({"method": lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params, "jsonrpc": "2.0"})

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
        self.workspace_problems = WorkspaceDiagnostics(
            self.config_for, lambda: self.index.workspace, lambda uri: self.documents.get(uri) is not None,
            lambda: self.encoding, self._workspace_problem_changed,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._refresh_pending = False
        # The process's exit status (LSP: `exit` after `shutdown` is 0, without it 1): set by those
        # handlers, since both stdin readers swallow the SystemExit that carries pygls' own.
        self.shutdown_requested = False
        self.exit_code = 0

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

    def fix_text(self, path: str, text: str, findings: list) -> tuple[str, str | None]:
        """What `check --fix` makes of `text` (whose analysis found `findings`): the one fix
        policy, for Fix All."""
        from lambda_leak.fixing import fix_source

        first = FileReport(path, list(findings))
        outcome = fix_source(path, text, self.config_for(path), workspace=self.index.workspace, first_report=first)
        return outcome.text, outcome.refused

    def run_mode(self, path: str) -> str:
        return self.settings.for_path(path).run

    def on_result(self, uri: str, entry: Entry) -> None:
        if not self.pull_client:
            self.protocol.publish_diagnostics(uri, entry.version, entry.payload)

    # -- the workspace's problems (lambdaLeak.diagnostics = "workspace") ---------------------------
    def _workspace_problem_changed(self, uri: str, entry: Entry | None) -> None:
        """From a worker thread: push the file's diagnostics, or ask a pull client to pull again."""
        if self._loop is None:
            return
        if not self.pull_client:
            diagnostics = entry.diagnostics if entry is not None else []
            self._loop.call_soon_threadsafe(self.text_document_publish_diagnostics,
                                            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        elif not self._refresh_pending:
            self._refresh_pending = True
            self._loop.call_soon_threadsafe(self._refresh_workspace_problems)

    def _refresh_workspace_problems(self) -> None:
        self._refresh_pending = False
        if self.client_has("workspace.diagnostics.refresh_support"):
            self.workspace_diagnostic_refresh(None)

    async def sync_workspace_problems(self) -> None:
        """Start or stop listing every file's problems, as the `diagnostics` setting says."""
        self._loop = asyncio.get_running_loop()
        wanted = self.settings.global_settings.diagnostics == WORKSPACE
        if wanted:
            count = await self._loop.run_in_executor(self.index_executor, self.workspace_problems.analyse_all, self.index.folders)
            log.info("problems listed for %d workspace files", count)
        elif self.workspace_problems.active:
            await self._loop.run_in_executor(self.index_executor, self.workspace_problems.stop)

    def reanalyse_open_documents(self, only: set[Path] | None = None) -> None:
        """Re-analyse every open document, or those whose path is in `only` (index keys)."""
        for document in self.documents:
            if only is not None and not self.index.depends(document.path, only):
                continue
            entry = self.store.get(document.uri)
            if self.run_mode(document.path) == "onSave" and entry is not None and entry.version != document.version:
                continue  # unsaved edits: the last result stands until the file is saved
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
                self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title="lambda-leak", message=f"Indexing {count} files"))
            await loop.run_in_executor(self.index_executor, self.index.build)
            # The index and the loaded modules live as long as the server: keep the cyclic
            # collector from walking them again on every full collection while the user types.
            gc.collect()
            gc.freeze()
            if progress:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=f"Indexed {count} files"))
        except Exception:  # noqa: BLE001 - without an index, files are still analysed one by one
            log.exception("indexing the workspace failed")
            if progress:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message="Indexing failed; see the log"))
        self.reanalyse_open_documents()
        await self.sync_workspace_problems()

    @property
    def index_executor(self):
        return self.thread_pool


def create_server() -> LambdaLeakServer:
    from lambda_leak.lsp.features import register_features  # it needs this module's classes

    server = LambdaLeakServer()
    register_features(server)
    return server


def serve(tcp: str | None = None) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="lambda-leak %(levelname)s %(name)s: %(message)s")
    # An analysis allocates many short-lived objects: collect them less often (fewer pauses per keystroke).
    gc.set_threshold(20_000, 20, 20)
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        try:
            server.start_tcp(host or "127.0.0.1", int(port))
        except SystemExit:  # pygls ends a TCP session's `exit` so, past its own handlers
            pass
    elif loop_can_read_stdin():
        serve_on_loop(server)
    else:
        server.start_io()
    return server.exit_code
