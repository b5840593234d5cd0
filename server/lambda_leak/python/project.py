"""The project around a Python file: where its imports live, and which files import it.

Only source files inside the project are read (parsed by astroid from text, never imported);
`import boto3` and the standard library are left alone.
"""

from __future__ import annotations

import os
import sys
import time
from functools import lru_cache

from lambda_leak.files import SKIPPED_DIRECTORIES
from lambda_leak.python import parsing

MAX_PROJECT_FILES = 3000
_LISTING_TTL = 2.0  # seconds a folder listing is trusted (the language server sees new files soon)
_listings: dict[str, tuple[float, list[str]]] = {}
_last_refresh = [0.0]


def refresh() -> None:
    """Forget file-system facts older than a moment (files and packages come and go while
    the language server runs); within one `check` run they are reused."""
    now = time.monotonic()
    if now - _last_refresh[0] > _LISTING_TTL:
        _last_refresh[0] = now
        for cached in (package_root, _roots, _is_file, _exists, parsing.module_name_for):
            cached.cache_clear()


@lru_cache(maxsize=4096)
def package_root(path: str) -> str:
    """The folder absolute imports start from: above the outermost package holding `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    while _is_file(os.path.join(folder, "__init__.py")) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder


@lru_cache(maxsize=16384)
def _is_file(path: str) -> bool:  # cleared by refresh()
    return os.path.isfile(path)


@lru_cache(maxsize=16384)
def _exists(path: str) -> bool:
    return os.path.exists(path)


def module_file(dotted: str, roots: tuple[str, ...]) -> str | None:
    """The source file of a project module (`pkg.mod` -> `pkg/mod.py` or `pkg/mod/__init__.py`)."""
    parts = dotted.split(".")
    for root in roots:
        if not _exists(os.path.join(root, parts[0])) and not _is_file(os.path.join(root, parts[0] + ".py")):
            continue  # one cached look per top-level name: most imports are third-party
        base = os.path.join(root, *parts)
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            if _is_file(candidate):
                return candidate
    return None


def resolve_qualified(qualified_name: str, importer: str) -> tuple[str, list[str]] | None:
    """Split `pkg.mod.func` into the project file of its longest module prefix and the rest."""
    parts = qualified_name.removesuffix("()").split(".")
    if parts[0] in sys.stdlib_module_names:
        return None
    roots = _roots(importer)
    for cut in range(len(parts) - 1, 0, -1):
        found = module_file(".".join(parts[:cut]), roots)
        if found:
            return found, parts[cut:]
    return None


@lru_cache(maxsize=4096)
def _roots(importer: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((package_root(importer), os.path.dirname(os.path.abspath(importer)))))


def project_files(path: str) -> list[str]:
    """Python files that could import `path`: its package root's files and packages below it."""
    root = package_root(path)
    now = time.monotonic()
    cached = _listings.get(root)
    if cached and now - cached[0] < _LISTING_TTL:
        return cached[1]
    found: list[str] = []
    for folder, directories, files in os.walk(root):
        directories[:] = sorted(
            d
            for d in directories
            if d not in SKIPPED_DIRECTORIES
            and not d.startswith(".")
            and os.path.isfile(os.path.join(folder, d, "__init__.py"))
        )
        found.extend(os.path.join(folder, name) for name in sorted(files) if name.endswith(".py"))
        if len(found) > MAX_PROJECT_FILES:
            break
    _listings[root] = (now, found)
    return found


_texts: dict[str, tuple[int, int, str | None]] = {}


def cached_text(path: str) -> str | None:
    """A project file's text, re-read only when it changes on disk."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    cached = _texts.get(path)
    if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
        return cached[2]
    text = parsing.read_text(path)
    _texts[path] = (stat.st_mtime_ns, stat.st_size, text)
    return text
