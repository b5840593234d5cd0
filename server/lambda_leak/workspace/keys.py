"""One name per file for every cross-file fact, JavaScript's and Python's: absolute, with its
folder's symlinks resolved (`config.real_folder`), kept for absolute paths."""

from __future__ import annotations

import os
from typing import Iterable

from lambda_leak.config import real_folder

_KEYS: dict[str, str] = {}
# Relative names (what `check .` reports) mean something else from another current folder: cached
# for one folder at a time. A check asks thousands of times; `abspath` alone asks the folder too.
_RELATIVE: dict[str, str] = {}
_relative_to = ""  # the current folder `_RELATIVE` holds names for


def key(path: str | os.PathLike) -> str:
    """The index's name for a file (cached)."""
    name = os.fspath(path)
    found = _KEYS.get(name)
    if found is not None:
        return found
    if os.path.isabs(name):
        found = _KEYS[name] = _real(name)
        return found
    global _relative_to
    here = os.getcwd()
    if here != _relative_to:
        _RELATIVE.clear()
        _relative_to = here
    found = _RELATIVE.get(name)
    if found is None:
        found = _RELATIVE[name] = _real(os.path.join(here, name))
    return found


def _real(name: str) -> str:
    folder, base = os.path.split(os.path.abspath(name))  # (absolute already: no folder asked)
    return os.path.join(real_folder(folder), base)


def keys_of(paths: Iterable[str | os.PathLike]) -> list[str]:
    """`key` of each path, each folder's real path looked up once (a walk lists a folder's files
    together; `key` of a relative path asks for the current folder each time): a `check` asks for
    thousands at once. Remembered as keys."""
    folders: dict[str, str] = {}
    names = []
    for path in paths:
        folder, name = os.path.split(os.fspath(path))
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.dirname(key(os.path.join(folder, "_")))
        names.append(os.path.join(real, name))
    known_keys(names)  # the facts and the deployment ask key() of them again
    return names


def known_keys(names: Iterable[str]) -> None:
    """`names` are keys already (absolute, in real folders): `key` answers them from its cache."""
    for name in names:
        _KEYS.setdefault(name, name)


def forget_real_paths() -> None:
    """A file or folder appeared or went away (the language server's file events): a re-pointed symlink
    changes what `key` and `real_folder` answer, so both are asked again."""
    _KEYS.clear()
    _RELATIVE.clear()
    real_folder.cache_clear()
