"""Packages pip installed into a project folder: `pip install --target` is how Lambda zips and
layers carry their dependencies (`package/`, a layer's `python/`, `dependencies/python/`). They
are dependencies, like `node_modules` and a virtual environment's `site-packages`: never the
user's handlers, and not reported on. On a real samples repository they are a third of the
Python files and three quarters of its bytes.

pip records what it installed in `NAME-VERSION.dist-info/RECORD` (a CSV line per file, its path
relative to the folder). Only what a record names is left out, and a recorded folder only when
every entry in it is recorded too: the user's own `lambda_function.py` next to the packages, or
their `utils/` where a careless wheel also ships one, stay. (A `*.egg-info` is no such sign:
`pip install -e .` and `python -m build` write one beside the user's own package.)"""

from __future__ import annotations

import csv
import os
from functools import lru_cache
from typing import Iterable

METADATA_SUFFIX = ".dist-info"
_MAX_RECORD_BYTES = 4 * 1024 * 1024  # a record is a line per installed file: kilobytes, rarely more
_IGNORED = frozenset({"__pycache__"})  # written by Python itself, recorded or not


def installed_names(folder: str, names: Iterable[str]) -> frozenset[str]:
    """The names of `folder`'s entries pip installed there (the metadata folders, modules, and
    packages all of whose entries it recorded), read from the metadata folders among `names`
    (the folder's entries, or some of them); empty when there is none. A record that cannot be
    read names only its own folder."""
    metadata = [name for name in names if name.endswith(METADATA_SUFFIX)]
    if not metadata:
        return frozenset()
    found: set[str] = set(metadata)
    below: dict[str, set[str]] = {}  # a recorded folder -> the names recorded directly in it
    for name in metadata:
        for path in _recorded_paths(os.path.join(folder, name, "RECORD")):
            first, _, rest = path.partition("/")
            if not rest:
                found.add(first)
            elif first != name:
                below.setdefault(first, set()).add(rest.partition("/")[0])
    for package, recorded in below.items():
        if _all_recorded(os.path.join(folder, package), recorded):
            found.add(package)
    return frozenset(found)


def _all_recorded(package: str, recorded: set[str]) -> bool:
    """Whether every entry of the folder `package` is one the records name: one listing, where a
    whole package would otherwise be walked."""
    try:
        with os.scandir(package) as entries:
            return all(entry.name in recorded or entry.name in _IGNORED for entry in entries)
    except OSError:
        return False  # not a folder, or not readable: left to the walk, which decides as it always has


def _recorded_paths(record: str) -> list[str]:
    """The paths a RECORD names inside its install folder (`./` dropped, "/" separated); none
    outside it (`../bin/x`, absolute: scripts installed elsewhere)."""
    try:
        with open(record, "rb") as file:
            data = file.read(_MAX_RECORD_BYTES + 1)
    except OSError:
        return []
    if len(data) > _MAX_RECORD_BYTES:
        return []
    paths = []
    for row in csv.reader(data.decode("utf-8", errors="replace").splitlines()):
        path = row[0].strip().replace("\\", "/") if row else ""
        while path.startswith("./"):
            path = path[2:]
        if path and not path.startswith(("/", "../")) and not (len(path) > 1 and path[1] == ":"):
            paths.append(path)
    return paths


def is_installed(path: str) -> bool:
    """Whether the file `path` lies in a package pip installed into a folder above it (the
    language server asks this of each document it analyses; the folders' answers are kept until
    `forget`, which it calls when watched files change)."""
    folder, name = os.path.split(os.path.abspath(path))
    for _ in range(16):  # packages nest a few levels; a bound keeps a deep path cheap
        if name in _installed_in(folder):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder, name = parent, os.path.basename(folder)
    return False


def forget() -> None:
    _installed_in.cache_clear()


@lru_cache(maxsize=512)
def _installed_in(folder: str) -> frozenset[str]:
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(METADATA_SUFFIX)]
    except OSError:
        return frozenset()
    return installed_names(folder, names)
