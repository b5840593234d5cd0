"""One name per file for every cross-file fact, JavaScript's and Python's: absolute, with its
folder's symlinks resolved (`config.real_folder`), kept for absolute paths."""

from __future__ import annotations

import os
from typing import Iterable

from lambda_leak.config import real_folder

_KEYS: dict[str, str] = {}


def key(path: str | os.PathLike) -> str:
    """The index's name for a file (cached; a relative name depends on the current folder: not)."""
    name = os.fspath(path)
    found = _KEYS.get(name)
    if found is None or not os.path.isabs(name):
        folder, base = os.path.split(os.path.abspath(name))
        found = os.path.join(real_folder(folder), base)
        if os.path.isabs(name):
            _KEYS[name] = found
    return found


def known_keys(names: Iterable[str]) -> None:
    """`names` are keys already (absolute, in real folders): `key` answers them from its cache."""
    for name in names:
        _KEYS.setdefault(name, name)


def forget_real_paths() -> None:
    """A file or folder appeared or went away (the language server's file events): a re-pointed symlink
    changes what `key` and `real_folder` answer, so both are asked again."""
    _KEYS.clear()
    real_folder.cache_clear()
