"""Which functions of a file are on a handler path that starts in another project file
(`app.py`'s handler calls `utils.send`, so `send` is analysed when `utils.py` is)."""

from __future__ import annotations

import os
import re

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


# An import statement, parenthesised continuation lines included.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*)", re.M)
_WORD = re.compile(r"\w+")
# listing (the list object project_files returns) -> {word in an import statement: files}
_IMPORTERS: dict[str, tuple[list[str], dict[str, list[str]]]] = {}


def _importers(path: str, stem: str) -> list[str]:
    """Project files with `stem` in an import statement, from an index built once per listing
    (so analysing every helper of a large project does not re-read the project each time)."""
    files = project.project_files(path)
    root = project.package_root(path)
    cached = _IMPORTERS.get(root)
    if cached is None or cached[0] is not files:
        index: dict[str, list[str]] = {}
        for file in files:
            text = project.cached_text(file) or ""
            words = {w for statement in _IMPORT.findall(text) for w in _WORD.findall(statement)}
            for word in words:
                index.setdefault(word, []).append(file)
        cached = _IMPORTERS[root] = (files, index)
    return cached[1].get(stem, [])


def reached_from_elsewhere(path: str, patterns: tuple[str, ...], workspace=None) -> set[str]:
    """Qualified names (`pkg.mod.func`) of functions in `path` that another file's handler reaches."""
    own = os.path.realpath(path)
    stem = parsing.module_name_for(path).rsplit(".", 1)[-1]
    found: set[str] = set()
    for other in _importers(path, stem):
        if os.path.realpath(other) == own:
            continue
        text = project.cached_text(other)
        if not text:
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
