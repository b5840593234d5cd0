"""Analysis of open documents off the event loop, newest version only, with no fixed debounce.

Each document has at most one analysis running. Changes that arrive meanwhile only mark it
dirty; when the running analysis ends, a stale result is dropped and the newest text is
analysed next. A burst of changes therefore costs about two analyses, not one per change.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePath
from typing import Any, Callable

from lambda_leak.engine import analyse_source
from lambda_leak.installed import is_installed
from lambda_leak.javascript.incremental import DocumentMemo
from lambda_leak.lsp.diagnostics import DiagnosticsStore, Entry
from lambda_leak.lsp.documents import Document, Documents
from lambda_leak.model import FileReport

log = logging.getLogger(__name__)


VENDORED = frozenset({"node_modules", "site-packages", ".venv"})


def vendored(path: str) -> bool:
    """A dependency's file (opened by "go to definition"): never the user's handler. Only folder
    names that cannot be a project's own are used, unlike `check`'s broader skip list, and the
    packages pip installed into a project folder (`installed`), which `check` leaves out too."""
    return any(part in VENDORED for part in PurePath(path).parts[:-1]) or is_installed(path)


def analyse(path: str, text: str, config, workspace: Any, previous_tree: Any, memo: DocumentMemo | None = None) -> FileReport:
    """Runs in the worker thread. The engine does not raise; this guards the server anyway."""
    started = time.perf_counter()
    try:
        if vendored(path):
            return FileReport(path)  # a dependency opened by "go to definition": not the user's code
        size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        if size > config.max_file_size:
            return FileReport(path, error=f"{size:,} bytes, over the {config.max_file_size:,}-byte limit (maxFileSize); not analysed")
        return analyse_source(path, text, config, workspace, previous_tree, memo)
    except Exception as error:  # noqa: BLE001 - a crash costs this document's findings, not the server
        log.exception("analysis of %s crashed", path)
        return FileReport(path, error=f"internal error: {type(error).__name__}: {error}")
    finally:
        log.debug("analysed %s in %.1f ms (%s; %d call edges re-used, %d nodes carried over)", path,
                  (time.perf_counter() - started) * 1000, "incremental" if previous_tree is not None else "full parse",
                  memo.reused if memo is not None else 0, memo.carried if memo is not None else 0)


class Scheduler:
    def __init__(self, documents: Documents, store: DiagnosticsStore, config_for: Callable,
                 workspace: Callable[[], Any], on_result: Callable[[str, Entry], None],
                 encoding: Callable[[], str]) -> None:
        self.documents = documents
        self.store = store
        self.config_for = config_for  # path -> Config
        self.workspace = workspace  # () -> the cross-file index or None
        self.on_result = on_result
        self.encoding = encoding
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lambda-leak-analysis")
        self._dirty: set[str] = set()
        self._running: dict[str, asyncio.Task] = {}
        self._waiters: dict[str, list[asyncio.Future]] = {}
        # Set once the client's settings are in, so no document is first analysed with the wrong ones.
        self.ready = asyncio.Event()

    def schedule(self, uri: str) -> None:
        self._dirty.add(uri)
        if uri not in self._running:
            self._running[uri] = asyncio.get_running_loop().create_task(self._run(uri))

    async def current(self, uri: str) -> Entry | None:
        """The store's entry for the document's newest version, waiting for it if needed."""
        while True:
            document = self.documents.get(uri)
            entry = self.store.get(uri)
            if document is None or (entry is not None and entry.version == document.version):
                return entry
            if uri not in self._running:
                self.schedule(uri)
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(uri, []).append(waiter)
            await waiter

    async def settled(self, uri: str) -> Entry | None:
        """The store's entry once no analysis of the document is queued or running (a save in
        `onSave` mode queues one: a pull right after it gets the saved text's result)."""
        while uri in self._running:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(uri, []).append(waiter)
            await waiter
        return self.store.get(uri)

    def forget(self, uri: str) -> None:
        self._dirty.discard(uri)
        self._wake(uri)

    def _wake(self, uri: str) -> None:
        for waiter in self._waiters.pop(uri, []):
            if not waiter.done():
                waiter.set_result(None)

    async def _run(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            await self.ready.wait()
            while uri in self._dirty:
                self._dirty.discard(uri)
                document = self.documents.get(uri)
                if document is None:
                    break
                version, text = document.version, document.text
                published = None
                try:
                    config = self.config_for(document.path)
                    previous, graph = document.previous_analysis()
                    memo = DocumentMemo(previous=graph)
                    report = await loop.run_in_executor(
                        self.executor, analyse, document.path, text, config, self.workspace(), previous, memo
                    )
                    if self._finish(uri, document, version, text, report) and report.syntax_tree is not None \
                            and not report.syntax_tree.root_node.has_error:
                        published = memo  # (broken text's graph is never re-used: see `Document.analysed`)
                except Exception as error:  # noqa: BLE001 - log and keep serving the other documents
                    log.exception("analysing %s failed", uri)
                    failed = FileReport(document.path, error=f"internal error: {type(error).__name__}: {error}")
                    self._finish(uri, document, version, text, failed)  # so pull requests get an answer
                if published is not None:  # outside the `try`: what is published stays published
                    await self._keep_call_graph(document, published)
        finally:
            self._running.pop(uri, None)
            self._wake(uri)

    def _finish(self, uri: str, document: Document, version: int, text: str, report: FileReport) -> bool:
        """Store and publish the analysis of `version`; False when it is stale."""
        if self.documents.get(uri) is not document or document.version != version or document.text != text:
            return False  # stale: the newest text is already queued (a change marked it dirty)
        if report.syntax_tree is not None:
            # A copy: the document's tree is edited as the user types, the analysis' is still read
            # by `_keep_call_graph`. No call graph until that is done.
            document.analysed(report.syntax_tree)
        if report.error:
            log.info("%s: %s", document.path, report.error)
        entry = self.store.put(uri, version, text, document.lines, report.findings, self.encoding(), report.error)
        self._wake(uri)
        self.on_result(uri, entry)
        return True

    async def _keep_call_graph(self, document: Document, memo: DocumentMemo) -> None:
        """The call graph the next analysis starts from, captured after the diagnostics are out (the
        next analysis of this document waits for it: this task runs them one after the other)."""
        tree = document.tree
        try:
            graph = await asyncio.get_running_loop().run_in_executor(self.executor, lambda: memo.current)
        except RuntimeError:  # the executor is shut down: the server is stopping
            return
        if tree is not None and document.tree is tree:  # still this version's tree, maybe edited since
            document.call_graph = graph

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
