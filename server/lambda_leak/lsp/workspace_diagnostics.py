"""`lambdaLeak.diagnostics = "workspace"`: findings for every source file in the workspace
folders, not only the open ones, so the Problems panel lists every handler's leaks.

Files open in an editor are the scheduler's (their unsaved text wins); this keeps the others,
analysed from disk with the cross-file index, and re-analyses a file when it or a file it
depends on changes on disk (watched-file events), or when its editor closes. Pull clients get
them from `workspace/diagnostic` (LSP 3.17) and a refresh request when they change; other
clients get `publishDiagnostics`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable, Iterable

from pygls.uris import from_fs_path

from lambda_leak.engine import analyse_source
from lambda_leak.files import UnreadableFile, is_excluded, iter_source_files, read_source
from lambda_leak.lsp.diagnostics import DiagnosticsStore, Entry
from lambda_leak.lsp.positions import split_lines

log = logging.getLogger(__name__)

OPEN_FILES, WORKSPACE = "openFiles", "workspace"
MODES = (OPEN_FILES, WORKSPACE)


class WorkspaceDiagnostics:
    def __init__(self, config_for: Callable[[str], Any], workspace: Callable[[], Any], is_open: Callable[[str], bool],
                 encoding: Callable[[], str], publish: Callable[[str, Entry | None], None]) -> None:
        self.config_for = config_for  # path -> Config
        self.workspace = workspace  # () -> the cross-file index or None
        self.is_open = is_open  # uri -> open in an editor
        self.encoding = encoding
        self.publish = publish  # (uri, entry or None for "no findings any more") -> push or refresh
        self.store = DiagnosticsStore()
        self._lock = threading.Lock()
        self.active = False

    def entries(self) -> list[tuple[str, Entry]]:
        with self._lock:
            return [(uri, entry) for uri, entry in self.store.items() if not self.is_open(uri)]

    def analyse_all(self, folders: Iterable[Path]) -> int:
        """Analyse every source file under `folders` (a worker thread). Returns how many."""
        self.active = True
        seen = set()
        for path in iter_source_files(list(folders)):
            config = self.config_for(str(path))
            if is_excluded(path, config.exclude, config.root):
                continue
            seen.add(from_fs_path(str(path)))
            self.analyse(path)
        with self._lock:
            gone = [uri for uri, _ in self.store.items() if uri not in seen]
        for uri in gone:
            self.forget(uri)
        return len(seen)

    def analyse(self, path: Path) -> None:
        """(Re-)analyse one file from disk, unless an editor has it open."""
        uri = from_fs_path(str(path))
        if not self.active or self.is_open(uri):
            return
        if not path.is_file():
            self.forget(uri)
            return
        config = self.config_for(str(path))
        try:
            text = read_source(path, config.max_file_size).text
        except UnreadableFile:
            self.forget(uri)
            return
        try:
            report = analyse_source(str(path), text, config, self.workspace())
        except Exception:  # noqa: BLE001 - one file's failure leaves the others' problems in place
            log.exception("analysing %s for the workspace's problems failed", path)
            return
        with self._lock:
            previous = self.store.get(uri)
            entry = self.store.put(uri, None, text, split_lines(text), report.findings, self.encoding(), report.error)
            if not entry.result_id.startswith("w"):
                entry.result_id = "w" + entry.result_id  # never equal to an open document's result id
        if previous is None or previous.findings != entry.findings:
            self.publish(uri, entry)

    def refresh(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.analyse(Path(path))

    def forget(self, uri: str) -> None:
        with self._lock:
            had = self.store.get(uri) is not None
            self.store.remove(uri)
        if had:
            self.publish(uri, None)

    def opened(self, uri: str) -> None:
        """The editor's analysis takes over (no publish: it publishes its own)."""
        with self._lock:
            self.store.remove(uri)

    def stop(self) -> None:
        """Back to open files only: the closed files' problems go away."""
        self.active = False
        with self._lock:
            uris = [uri for uri, _ in self.store.items()]
        for uri in uris:
            self.forget(uri)
