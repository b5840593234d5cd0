"""The cross-file index behind the open documents: built in the background, kept current from
watched-file events, and the handler list for `lambdaLeak.listHandlers`."""

from __future__ import annotations

import logging
from pathlib import Path
from pygls.uris import from_fs_path

from lambda_leak.config import config_for_directory
from lambda_leak.files import iter_source_files
from lambda_leak.workspace import Workspace

log = logging.getLogger(__name__)

CONFIG_NAMES = ("lambda-leak.toml", ".lambda-leak.toml", "pyproject.toml")
# Files whose change can alter findings elsewhere: sources (promise knowledge across imports),
# infrastructure templates (declared handlers) and config files.
WATCH_GLOBS = (
    "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py}",
    "**/{template,serverless}.{yaml,yml,json}",
    "**/*.template.{yaml,yml,json}",
    "**/{lambda-leak,.lambda-leak,pyproject}.toml",
    "**/cdk.json",
)


class WorkspaceIndex:
    def __init__(self) -> None:
        self.folders: list[Path] = []
        self.workspace: Workspace | None = None
        self._walked: tuple[list[Path], dict] | None = None

    def count_files(self) -> int:
        listings: dict = {}  # the folders listed for the count, listed again by no walk of the `build`
        self._walked = (list(iter_source_files(self.folders, listings)), listings)  # kept for the `build` that follows
        return len(self._walked[0])

    def build(self) -> int:
        """Index every folder (runs in a worker thread). Returns the number of source files."""
        walked, self._walked = self._walked, None  # walked once, for the count and the index
        files, listings = walked if walked is not None else (None, {})
        if files is None:
            files = list(iter_source_files(self.folders, listings))
        if self.folders:
            self.workspace = Workspace.for_paths(list(self.folders), files=files, listings=listings, two_cores=True)
        return len(files)

    def file_changed(self, path: Path, deleted: bool) -> set[Path] | None:
        """Bring the index up to date with one file (worker thread). Returns the files whose
        findings may change, or None when every open document should be re-analysed."""
        from lambda_leak.installed import forget as forget_installed  # `vendored`'s answers: a `pip install` may run
        from lambda_leak.workspace.keys import forget_real_paths  # Python's project and the index share them

        forget_real_paths()
        forget_installed()
        if path.name in CONFIG_NAMES:
            config_for_directory.cache_clear()
            return None
        if self.workspace is None:
            return None
        before = self.workspace.dependents(path)  # a deleted file's importers are not found after
        if deleted:
            self.workspace.remove_file(path)
        else:
            self.workspace.update_file(path)
        return before | self.workspace.dependents(path)

    def depends(self, document_path: str, changed: set[Path]) -> bool:
        from lambda_leak.workspace.index import key

        return Path(key(document_path)) in changed

    def handlers(self, paths: list[Path], overrides: dict) -> list[dict]:
        from lambda_leak.handlers import find_handlers

        found = []
        for handler in find_handlers(paths or self.folders, overrides):
            path = Path(handler.path)
            found.append({
                "name": handler.name,
                "path": str(path),
                "uri": from_fs_path(str(path.resolve())),
                "line": handler.line,
                "origin": handler.origin,
                "runtime": handler.runtime,
                "how": handler.how,  # a bundled handler's trace, or why it is unresolved ("" otherwise)
            })
        return found
