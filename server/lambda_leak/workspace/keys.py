"""One name per file for every cross-file fact, JavaScript's and Python's: absolute, with its
folder's symlinks resolved (`config.real_folder`), kept for absolute paths."""

from __future__ import annotations

import os
from bisect import bisect_left
from contextlib import contextmanager
from typing import Iterable, Iterator

from lambda_leak.config import real_folder

_KEYS: dict[str, str] = {}
# Relative names (what `check .` reports) mean something else from another current folder: cached
# for one folder at a time. A check asks thousands of times; `abspath` alone asks the folder too.
_RELATIVE: dict[str, str] = {}
_relative_to = ""  # the current folder `_RELATIVE` holds names for
# The current folder of a run that does not change it (`check`): asked once, not per name (see
# `fixed_folder`); empty elsewhere (the language server, tests that change folder between runs).
_fixed = ""


def key(path: str | os.PathLike) -> str:
    """The index's name for a file (cached)."""
    name = os.fspath(path)
    found = _KEYS.get(name)
    if found is not None:
        return found
    if os.path.isabs(name):
        found = _KEYS[name] = _real(name)
        return found
    here = _relative_names()
    found = _RELATIVE.get(name)
    if found is None:
        found = _RELATIVE[name] = _real(os.path.join(here, name))
    return found


def _relative_names() -> str:
    """The current folder, with `_RELATIVE` emptied if it holds another folder's names."""
    global _relative_to
    here = _fixed or os.getcwd()
    if here != _relative_to:
        _RELATIVE.clear()
        _relative_to = here
    return here


def _real(name: str) -> str:
    folder, base = os.path.split(absolute(name))  # (absolute already: no folder asked)
    return os.path.join(real_folder(folder), base)


def absolute(path: str) -> str:
    """`os.path.abspath`, without asking for the current folder inside `fixed_folder`."""
    if _fixed and not os.path.isabs(path):
        return os.path.normpath(os.path.join(_fixed, path))
    return os.path.abspath(path)


@contextmanager
def fixed_folder() -> Iterator[None]:
    """A run that stays in its current folder (`check`: nothing it does changes folder) asks for
    it once: a check names thousands of files relative to it, each of which `abspath` and `key`
    would otherwise ask again (a system call each). Worker processes forked meanwhile inherit it."""
    global _fixed
    try:
        here = os.getcwd()
    except OSError:  # a folder deleted under the shell: absolute paths still check, as without this
        here = ""
    outer, _fixed = _fixed, here
    try:
        yield
    finally:
        _fixed = outer


def keys_of(paths: Iterable[str | os.PathLike], listings: dict | None = None) -> list[str]:
    """`key` of each path, each folder's real path looked up once (a walk lists a folder's files
    together): a `check` asks for thousands at once. Remembered as keys, and as the keys of the
    paths as given. `listings`: the walk's, by absolute folder (`files.walk_folders`): a folder it
    went into is no symbolic link, which spares asking the file system."""
    folders: dict[str, str] = {}
    walked: dict[str, str] = {}  # real folders of the walked folders' parents
    asked = False  # for the current folder: once, and only if a path is relative
    names = []
    for path in paths:
        given = os.fspath(path)
        folder, name = os.path.split(given)
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = _real_walked(absolute(folder or "."), listings or {}, walked)
        names.append(os.path.join(real, name))
        if name in ("", ".", ".."):
            continue  # not a file's name: `key` normalises such paths itself
        if os.path.isabs(given):
            _KEYS[given] = names[-1]
        else:  # the current folder asked only when a path needs it (none does in `check /abs/path`)
            if not asked:
                _relative_names()
                asked = True
            _RELATIVE[given] = names[-1]
    known_keys(names)  # the facts and the deployment ask key() of them again
    return names


def _real_walked(folder: str, listings: dict, known: dict[str, str]) -> str:
    """`real_folder` of an absolute folder, from its parent's when the walk went into it."""
    parent, name = os.path.split(folder)
    listing = listings.get(parent) if name else None
    if listing is None or not _walked_into(listing.folders, name):
        return real_folder(folder)
    found = known.get(parent)
    if found is None:
        found = known[parent] = _real_walked(parent, listings, known)
    return os.path.join(found, name)


def _walked_into(folders: list[str], name: str) -> bool:
    """Whether a listing's sorted `folders` (those walked into: never links) hold `name`."""
    at = bisect_left(folders, name)
    return at < len(folders) and folders[at] == name


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
