"""Which functions of a file are on a handler path that starts in another project file
(`app.py`'s handler calls `utils.send`, so `send` is analysed when `utils.py` is)."""

from __future__ import annotations

import os

from lambda_leak.python import parsing, project
from lambda_leak.python.handlers import discover
from lambda_leak.python.paths import reach

# importer path -> (stamps of every file its walk read, {file: qualified names reached there})
_WALKS: dict[str, tuple[dict[str, tuple[int, int] | None], dict[str, set[str]]]] = {}


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _walk(importer: str, patterns: tuple[str, ...], declared: set[str]) -> dict[str, set[str]]:
    cached = _WALKS.get(importer)
    if cached and all(_stamp(p) == s for p, s in cached[0].items()):
        return cached[1]
    reached: dict[str, set[str]] = {}
    stamps = {importer: _stamp(importer)}
    tree = parsing.parse_file(importer)
    if tree is not None:
        roots = [f for h in discover(tree, patterns, declared) for f in h.roots]
        for function in reach(roots):
            file = function.root().file
            if file:
                file = os.path.realpath(file)
                stamps[file] = _stamp(file)
                reached.setdefault(file, set()).add(function.qname())
    _WALKS[importer] = (stamps, reached)
    return reached


def reached_from_elsewhere(path: str, patterns: tuple[str, ...], workspace=None) -> set[str]:
    """Qualified names (`pkg.mod.func`) of functions in `path` that another file's handler reaches."""
    own = os.path.realpath(path)
    stem = parsing.module_name_for(path).rsplit(".", 1)[-1]
    found: set[str] = set()
    for other in project.project_files(path):
        if os.path.realpath(other) == own:
            continue
        text = project.cached_text(other)
        if not text or stem not in text or "import" not in text:
            continue
        declared = declared_names(workspace, other)
        if not parsing.may_hold_handler(text, patterns, declared):
            continue
        found |= _walk(other, patterns, declared).get(own, set())
    return found


def declared_names(workspace, path: str) -> set[str]:
    """Handler names an IaC file (SAM, serverless, CDK) gives for `path`, via the workspace index."""
    if workspace is None or not hasattr(workspace, "declared_handler_names"):
        return set()
    try:
        return set(workspace.declared_handler_names(path))
    except Exception:  # noqa: BLE001 - a broken index must not stop the analysis
        return set()
