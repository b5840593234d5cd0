"""Packages pip installed into a project folder: `pip install --target` is how Lambda zips and
layers carry their dependencies (`package/`, a layer's `python/`, `dependencies/python/`). They
are dependencies, like `node_modules` and a virtual environment's `site-packages`: never the
user's handlers, and not reported on. On a real samples repository they are a third of the
Python files and three quarters of its bytes.

pip records what it installed in `NAME-VERSION.dist-info/RECORD` (one `path,hash,size` line per
file, relative to the folder); older installs in `NAME.egg-info/top_level.txt` (the import
names). Only what a record names is left out: the user's own `lambda_function.py` next to the
packages stays."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Iterable

METADATA_SUFFIXES = (".dist-info", ".egg-info")
_MAX_RECORD_BYTES = 4 * 1024 * 1024  # a record is a line per installed file: kilobytes, rarely more


def has_metadata(folder_names: Iterable[str]) -> bool:
    """Whether a folder with these subfolders is one pip installed into (cheap: names only)."""
    return any(name.endswith(METADATA_SUFFIXES) for name in folder_names)


def installed_names(folder: str, folder_names: Iterable[str]) -> frozenset[str]:
    """The names of `folder`'s entries pip installed there (packages, modules, scripts' `bin`, and
    the metadata folders themselves), read from the metadata folders among `folder_names`; empty
    when there is none. A record that cannot be read names nothing."""
    found: set[str] = set()
    for name in folder_names:
        if not name.endswith(METADATA_SUFFIXES):
            continue
        found.add(name)
        metadata = os.path.join(folder, name)
        if name.endswith(".dist-info"):
            for line in _lines(os.path.join(metadata, "RECORD")):
                first = _first_part(line.split(",", 1)[0])
                if first is not None:
                    found.add(first)
        for line in _lines(os.path.join(metadata, "top_level.txt")):  # egg-info; some dist-info too
            top = line.strip()
            if top and _first_part(top) == top:
                found.update((top, top + ".py"))
    return frozenset(found)


def _first_part(path: str) -> str | None:
    """The entry of the install folder a recorded path lies in; None for one outside it (`../`,
    absolute: scripts installed elsewhere) or an empty one."""
    path = path.strip().strip('"').replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    if not path or path.startswith(("/", "../")) or (len(path) > 1 and path[1] == ":"):
        return None
    first = path.split("/", 1)[0]
    return first if first not in ("", ".", "..") else None


def _lines(path: str) -> list[str]:
    try:
        with open(path, "rb") as file:
            data = file.read(_MAX_RECORD_BYTES + 1)
    except OSError:
        return []
    if len(data) > _MAX_RECORD_BYTES:
        return []
    return data.decode("utf-8", errors="replace").splitlines()


def is_installed(path: str) -> bool:
    """Whether the file `path` lies in a package pip installed into a folder above it (the
    language server asks this of each document it analyses: the folders' answers are kept for
    the process, so a `pip install` made while it runs is seen after a restart)."""
    folder, name = os.path.split(os.path.abspath(path))
    for _ in range(16):  # packages nest a few levels; a bound keeps a deep path cheap
        if name in _installed_in(folder):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder, name = parent, os.path.basename(folder)
    return False


@lru_cache(maxsize=512)
def _installed_in(folder: str) -> frozenset[str]:
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(METADATA_SUFFIXES)]
    except OSError:
        return frozenset()
    return installed_names(folder, names) if names else frozenset()
