"""Reading and writing users' files: discovery, decoding, and atomic writes that keep encoding,
BOM and line endings exactly as they were."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from lambda_leak.installed import METADATA_SUFFIX, installed_names
from lambda_leak.source import language_for

SKIPPED_DIRECTORIES = frozenset(
    {"node_modules", ".git", ".venv", "venv", "cdk.out", ".aws-sam", "dist", "build", ".serverless", "__pycache__"}
    # bundler and framework output (serverless-esbuild/-webpack/-plugin-typescript, Next, OpenNext) and coverage reports
    | {".esbuild", ".webpack", ".build", ".next", ".open-next", ".vercel", ".netlify", ".turbo", "coverage"}
    | {".terraform", ".sst"}  # modules `terraform init` downloads; SST's generated platform code
)
# A vendored AWS SDK's service models: botocore/data (and boto3/data) hold thousands of folders of
# JSON (a quarter of the folders of aws-samples/serverless-patterns), no source and no template.
_SDK_PACKAGES = frozenset({"botocore", "boto3"})
_SKIPPED_IN_SDK = SKIPPED_DIRECTORIES | {"data"}
BOM = "\ufeff"


def skipped_folders(folder: str) -> frozenset[str]:
    """The names of `folder`'s subfolders that the check's walk, the result cache's scan and the
    Python workspace's walk leave out: dependency and build folders, a vendored SDK's service models."""
    return _SKIPPED_IN_SDK if os.path.basename(folder.rstrip("/" + os.sep)) in _SDK_PACKAGES else SKIPPED_DIRECTORIES


class UnreadableFile(Exception):
    """A file lambda-leak will not analyse; the message says why, for the user."""


class Decoded(NamedTuple):
    """A source file's text (a named tuple: one is made per file read, and a frozen dataclass
    costs several times more to make)."""

    text: str  # with "\n" line endings and no BOM
    bom: bool
    newline: str  # "\n" or "\r\n": what the file used, restored on write

    def encode(self, text: str) -> bytes:
        if self.newline != "\n":
            text = text.replace("\r\n", "\n").replace("\n", self.newline)
        return ((BOM if self.bom else "") + text).encode("utf-8")


def decode(data: bytes) -> Decoded:
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file, skipped")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 (invalid byte at offset {error.start}), skipped") from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        text = text.replace("\r\n", "\n")
    return Decoded(text, bom, newline)


def read_source(path: str | Path, max_size: int) -> Decoded:
    return decode(read_source_bytes(path, max_size))


def read_source_bytes(path: str | Path, max_size: int) -> bytes:
    """A source file's bytes, for `decode`; UnreadableFile when it is too big or cannot be read
    (one open and fstat: a stat first would cost as much again on thousands of small files)."""
    return read_source_status_and_bytes(path, max_size)[1]


def read_source_status_and_bytes(path: str | Path, max_size: int) -> tuple[os.stat_result, bytes]:
    """`read_source_bytes`, with the status of the file read (its fstat: what the bytes are)."""
    try:
        status, data = _read_regular(path, None, max_size)
    except OSError as error:  # as a stat first said: too big wins over unreadable (or a folder)
        try:
            size = os.stat(path).st_size
        except OSError:
            size = -1
        if size > max_size:
            raise _too_big(size, max_size) from None
        raise UnreadableFile(f"cannot read: {error.strerror or error}") from None
    if data is None:
        raise _too_big(status.st_size, max_size)
    return status, data


def _too_big(size: int, max_size: int) -> UnreadableFile:
    return UnreadableFile(f"file is {size:,} bytes, over the {max_size:,}-byte limit (max-file-size), skipped")


def read_bytes(path: str | Path, size: int | None = None) -> bytes:
    """A file's bytes through the OS (`open()`'s buffered file object costs more than reading a
    small file, and discovery and the Python project read thousands). `size`: what stat said,
    when the caller has it; a file that grew since is read to its end all the same, and a read that
    returns less than asked (network and FUSE file systems may) is followed by more until the end."""
    return _read_regular(path, size, None)[1]  # type: ignore[return-value] - no max_size: never None


def read_status_and_bytes(path: str | Path, max_size: int) -> tuple[os.stat_result, bytes | None]:
    """A file's status and its bytes (None when it is over `max_size` bytes), for a caller that
    needs both: one open and fstat instead of a stat and then an open, which on thousands of small
    files costs about as much as reading them. OSError as `read_bytes`."""
    return _read_regular(path, None, max_size)


def _read_regular(path: str | Path, size: int | None, max_size: int | None) -> tuple[os.stat_result, bytes | None]:
    # non-blocking: a FIFO named like a source file must not hang the run (regular files ignore it)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):  # a folder, a FIFO, /dev/zero behind a symlink
            folder = stat.S_ISDIR(status.st_mode)
            raise OSError(errno.EISDIR if folder else errno.EINVAL, "is a folder" if folder else "not a regular file")
        if size is None:
            size = status.st_size
        if max_size is not None and size > max_size:
            return status, None
        data = os.read(descriptor, size + 1)
        if data and len(data) != size:  # grown (more than stat said) or a short read: read to the end
            chunks = [data]
            while chunk := os.read(descriptor, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        return status, data
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over the original,
    so a crash leaves either the old file or the new one, never half of either."""
    import tempfile  # only `--fix` writes: not imported by every run

    mode = path.stat().st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".lambda-leak", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def is_excluded(path: Path, patterns: tuple[str, ...], root: Path | None) -> bool:
    """Whether `path` matches one of the `exclude` patterns of the config found in `root`: as it was
    named, by its name, or relative to `root` once both are resolved."""
    return bool(patterns) and Exclusion(patterns, root).excludes(path)


class Exclusion:
    """`is_excluded` for the many files of one walk under one config's patterns: compiled into one
    expression once, the config's folder resolved once, and each file's resolved path given by the
    walk when it knows it (the real folder and the name of a file that is no link) instead of a
    `Path.resolve` per file (a stat per part of the path)."""

    def __init__(self, patterns: tuple[str, ...], root: Path | None) -> None:
        self._matches = _pattern_matcher(patterns)
        self._root = os.fspath(root.resolve()) if root is not None else None

    def excludes(self, path: Path, resolved: str | None = None) -> bool:
        """`resolved`: `path.resolve()` as a string, when the caller knows it."""
        matches, normcase = self._matches, os.path.normcase
        if matches(normcase(path.as_posix())) or matches(normcase(path.name)):
            return True
        relative = self._relative(path, resolved) if self._root is not None else None
        return relative is not None and matches(normcase(relative)) is not None

    def _relative(self, path: Path, resolved: str | None) -> str | None:
        """Path.relative_to(root) of the resolved path as POSIX, None when it lies elsewhere."""
        if resolved is None:
            resolved = os.fspath(path.resolve())
        if os.name == "nt":  # relative_to compares parts as Windows does (case, separators)
            try:
                return Path(resolved).relative_to(self._root).as_posix()
            except ValueError:
                return None
        root = self._root
        if resolved == root:
            return "."
        inside = folder_prefix(root)
        return resolved[len(inside):] if resolved.startswith(inside) else None


@lru_cache(maxsize=64)
def _pattern_matcher(patterns: tuple[str, ...]) -> Callable[[str], re.Match | None]:
    """A match of any of the patterns, or of the folder a pattern names (`tests/` and `tests` take
    `tests/*`), as `fnmatch` does: `*` takes `/` too."""
    variants = (os.path.normcase(v) for p in patterns for v in (p, p.rstrip("/") + "/*"))
    return re.compile("|".join(fnmatch.translate(v) for v in variants) or "(?!)").match  # no pattern: no match


class Listing(NamedTuple):
    """One folder's entries as the walk uses them, each part sorted by name."""

    files: list[str]  # every entry but folders and links to folders: files, links to files, FIFOs
    folders: list[str]  # the folders walked into: neither links nor dependency or build folders
    links: frozenset[str]  # the names in `files` that are symbolic links


class ListedFiles:
    """`os.path.isfile` for a run over a tree that does not change meanwhile (`check`), answered from
    its walk's `listings` where they can: a name its folder's listing lacks is no file, and nothing is
    in a folder that is not there (one `isdir` per folder), so resolving `./lib`, which tries a dozen
    names (`./lib/index.js` among them), makes no system call per name. Other answers are the file
    system's. Names are compared case-folded, as a case-insensitive file system finds them; names with
    any non-ASCII character, folders listing one, and Windows (trailing dots, short names) are always
    asked: file systems fold and normalise those in ways `lower` does not."""

    def __init__(self, listings: dict) -> None:
        self._listings = listings
        # folder -> its listed names, case-folded (none if it is no folder; None: ask the file system)
        self._names: dict[str, frozenset[str] | None] = {}

    def __call__(self, path: str) -> bool:
        folder, name = os.path.split(path)
        names = self._names.get(folder, _UNSEEN)
        if names is _UNSEEN:
            names = self._names[folder] = self._listed(folder)
        if names is not None and name.isascii() and name.lower() not in names:
            return False
        return os.path.isfile(path)

    def _listed(self, folder: str) -> frozenset[str] | None:
        if not folder or os.name == "nt":
            return None
        listing = self._listings.get(folder)
        if listing is None:  # a folder the walk left out (node_modules), or one that is not there (`./lib/`)
            return None if os.path.isdir(folder) else _NONE
        if not all(n.isascii() for n in listing.files):
            return None
        return frozenset(n.lower() for n in listing.files)


_UNSEEN = object()
_NONE: frozenset[str] = frozenset()


def walk_folders(root: str, accept: Callable[[str], bool], listings: dict | None = None,
                 ) -> Iterator[tuple[str, str, Listing, list[str]]]:
    """The folder `root` and those below it, each before its subfolders (in name order), skipping
    dependency and build folders and links to folders (no loops, as os.walk does): (the folder as
    the caller names it, as a prefix: os.path.join(folder, name) is prefix + name; the folder,
    absolute; its listing; the names of its files that `accept` takes). `accept` is asked once per
    name: most names recur in a tree (handler.js, app.py, package.json). Folders that cannot be
    listed are left out. `listings`: listings to reuse and fill, by absolute folder, so that the
    walks of one `check` run (sources, then deployment files) list each folder once."""
    accepted: dict[str, bool] = {}
    stack = [(folder_prefix(root), os.path.abspath(root))]
    while stack:
        inside, absolute = stack.pop()
        listing = listings.get(absolute) if listings is not None else None
        if listing is None:
            try:
                listing = _list(inside)
            except OSError:
                continue
            if listings is not None:
                listings[absolute] = listing
        taken = []
        for name in listing.files:
            known = accepted.get(name)
            if known is None:
                known = accepted[name] = bool(accept(name))
            if known:
                taken.append(name)
        yield inside, absolute, listing, taken
        # os.path.join by string concatenation: it runs for every folder and file
        absolute_inside = folder_prefix(absolute)
        stack.extend((inside + name + os.sep, absolute_inside + name) for name in reversed(listing.folders))


def _list(folder: str) -> Listing:
    files, folders, links, metadata = [], [], [], []
    skipped = skipped_folders(folder)
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if entry.is_dir():  # a link to a folder too: neither a file nor walked into
                if name.endswith(METADATA_SUFFIX):
                    metadata.append(name)
                elif name not in skipped and not entry.is_symlink():
                    folders.append(name)
            else:
                files.append(name)
                if entry.is_symlink():
                    links.append(name)
    if metadata:  # pip installed packages here (`installed`): dependencies, not the user's code
        installed = installed_names(folder, metadata)
        files = [name for name in files if name not in installed]
        folders = [name for name in folders if name not in installed]
    files.sort()
    folders.sort()
    return Listing(files, folders, frozenset(links) if links else _NO_LINKS)


_NO_LINKS: frozenset[str] = frozenset()


def walk_names(root: str, accept: Callable[[str], bool], listings: dict | None = None) -> Iterator[str]:
    """Like `walk_files`, as strings: one `scandir` per folder and no `Path` per file, which is most
    of the walk's cost on a large tree. `accept` and `listings`: see `walk_folders`."""
    if not os.path.isdir(root):
        if os.path.exists(root):
            yield root
        return
    for inside, _, _, taken in walk_folders(root, accept, listings):
        for name in taken:
            yield inside + name


def folder_prefix(folder: str) -> str:
    """What os.path.join(folder, name) puts before a plain file name."""
    return folder if not folder or folder.endswith(_JOINED_AS_IS) else folder + os.sep


_JOINED_AS_IS = tuple({os.sep, os.altsep or os.sep, ":" if os.name == "nt" else os.sep})  # a drive ("C:") too


def walk_files(root: Path, accept: Callable[[str], bool], listings: dict | None = None) -> Iterator[Path]:
    """Files below `root` whose names `accept` takes, in a stable order, skipping dependency and
    build folders; `root` itself when it is a file."""
    for name in walk_names(os.fspath(root), accept, listings):
        yield Path(name)


def iter_source_files(paths: list[Path], listings: dict | None = None) -> Iterator[Path]:
    """Files to analyse; explicitly named files are always included."""
    for root in paths:
        yield from walk_files(root, is_source_name, listings)


def is_source_name(name: str) -> bool:
    """A file lambda-leak analyses when a walk finds it."""
    return language_for(name) is not None


def relative_path(path: str | Path, root: Path | None = None) -> str | None:
    """`path` as a POSIX path relative to `root` (default: the working folder), None when it lies outside.
    CI reports and shards name files this way, so every job of a build agrees on them."""
    root = (root or Path.cwd()).resolve()
    candidate = Path(path)
    try:
        return (candidate if candidate.is_absolute() else root / candidate).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None
