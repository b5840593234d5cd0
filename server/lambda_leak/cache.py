"""The persistent cache of `lambda-leak check` (like ruff's cache folder or ESLint's `--cache`).

Two levels, both invalidated by the tool's own code (version and source files) changing:
  - a run: the same command in the same folder, and every file it could have read — sources,
    deployment files, config files, the folders holding them (their mtimes show files coming
    and going) and the config/deployment file names above — has the same size and mtime as
    last time: the findings are served as they are, at the cost of one stat per file;
  - a file: its findings are reused when its text (hashed), its config and the cross-file facts
    its analysis read are the same. For JavaScript/TypeScript those facts are exact (the
    index's `FileFacts`: declared handler names, callers in other files, imported promise
    makers) and, because the analysis also reads classes, routers and wrappers of other modules
    and the adapter versions package and lock files pin, every JavaScript/TypeScript, package and
    lock file in scope; Python files are keyed on every Python file in scope and on the declared
    handlers. Any change in a language re-analyses that language's files rather than risk a
    stale answer.

The folder (default `.lambda-leak-cache/` in the current folder, `cache-dir` in the config,
`--cache-dir`) holds its own `.gitignore` (`*`). Entries are read with an unpickler that only
builds lambda-leak's own data classes.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import os
import pickle
import sys
from pathlib import Path
from stat import S_ISDIR
from typing import Any, Iterable

import lambda_leak
from lambda_leak import __version__
from lambda_leak.config import CONFIG_FILE_NAMES, Config
from lambda_leak.files import skipped_folders
from lambda_leak.installed import METADATA_SUFFIX, installed_names

try:  # CPython's own BLAKE2, without `hashlib`'s loading of OpenSSL (~5 ms of a re-run that reads only the cache)
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

DEFAULT_FOLDER = ".lambda-leak-cache"
FORMAT = 1
_MAX_RUNS = 8  # run manifests kept per cache file (different commands in the same folder)
_RELEVANT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py",
                                ".yaml", ".yml", ".json", ".template", ".toml", ".tf", ".tfvars", ".lock"})
_ABOVE_NAMES = (*CONFIG_FILE_NAMES, "template.yaml", "template.yml", "template.json", "serverless.yml",
                "serverless.yaml", "serverless.json", "cdk.json", "samconfig.toml", "main.tf",
                "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml")

Stamp = tuple[int, int] | None  # (size, mtime_ns) of a file, (-1, mtime_ns) of a folder; None: absent


_PARSERS = ("tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript", "astroid", "yaml")


def tool_fingerprint() -> str:
    """The version and the size/mtime of every source file of lambda-leak itself, the Python
    version and the installed parsers: a changed rule, an upgrade or another parser never reads
    results computed by another build."""
    digest = blake2b(f"{__version__} {sys.version}".encode(), digest_size=12)
    for name in _PARSERS:
        spec = importlib.util.find_spec(name)  # locates the package without importing it
        origin = spec.origin if spec is not None else None
        if origin and os.path.exists(origin):
            stat = os.stat(origin)
            digest.update(f"{origin}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    package = os.path.dirname(lambda_leak.__file__)
    for folder, directories, files in os.walk(package):
        directories[:] = sorted(d for d in directories if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


_CONFIG_FINGERPRINTS: dict[int, tuple[Config, str]] = {}  # id -> (the config, kept alive; its fingerprint)


def config_fingerprint(config: Config) -> str:
    known = _CONFIG_FINGERPRINTS.get(id(config))
    if known is not None and known[0] is config:
        return known[1]
    found = _config_fingerprint(config)
    _CONFIG_FINGERPRINTS[id(config)] = (config, found)
    return found


def _config_fingerprint(config: Config) -> str:
    parts = []
    for field in dataclasses.fields(config):
        value = getattr(config, field.name)
        if isinstance(value, (set, frozenset)):
            value = sorted(value)
        elif isinstance(value, dict):
            value = sorted((str(k), str(v)) for k, v in value.items())
        parts.append(f"{field.name}={value!r}")
    return text_digest("\n".join(parts))


def text_digest(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_NOT_IN_RUN_KEY = frozenset({"format", "exit_zero", "jobs", "no_cache", "cache_dir", "paths", "command"})


def run_key(args: Any, paths: list[Path]) -> str:
    """The command's identity: folder, paths and every option that can change findings."""
    options = sorted((name, repr(value)) for name, value in vars(args).items() if name not in _NOT_IN_RUN_KEY)
    return text_digest(repr((os.getcwd(), [str(p) for p in paths], options)))


def facts_fingerprint(facts: Any) -> str:
    """The cross-file facts a JavaScript file's analysis reads (a `FileFacts`)."""
    return text_digest(repr((sorted(facts.declared), sorted(map(repr, facts.external.items())),
                       sorted(map(repr, facts.async_refs.items())))))


def _stamp(path: str) -> Stamp:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (-1, stat.st_mtime_ns) if S_ISDIR(stat.st_mode) else (stat.st_size, stat.st_mtime_ns)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def scan(folders: Iterable[str], skip: str) -> dict[str, Stamp]:
    """Stamps of every folder below `folders` (dependency and build folders left out, as the walk
    does) and of every file there whose name lambda-leak could read."""
    stamps: dict[str, Stamp] = {}
    stack = [f for f in folders if os.path.isdir(f)]
    for folder in stack:
        stamps[folder] = _stamp(folder)
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        skipped = skipped_folders(folder)
        metadata = [entry for entry in entries if entry.name.endswith(METADATA_SUFFIX) and _is_folder(entry)]
        installed = installed_names(folder, [entry.name for entry in metadata]) if metadata else frozenset()
        for entry in metadata:  # what decides which files the walk leaves out (`installed`): an edit shows
            record = os.path.join(entry.path, "RECORD")
            stamps[entry.path], stamps[record] = _stamp(entry.path), _stamp(record)
        for entry in entries:
            try:
                if entry.name in installed:
                    continue
                if entry.is_dir():
                    if entry.name in skipped or entry.name == DEFAULT_FOLDER or entry.path == skip \
                            or entry.is_symlink():
                        continue
                    if entry.path not in stamps:
                        stamps[entry.path] = (-1, entry.stat().st_mtime_ns)
                        stack.append(entry.path)
                elif os.path.splitext(entry.name)[1].lower() in _RELEVANT_SUFFIXES:
                    stat = entry.stat()
                    stamps[entry.path] = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                continue
    return stamps


def stamps_above(folders: Iterable[str]) -> dict[str, Stamp]:
    """Config and deployment file names in every folder above `folders`: one appearing there can
    change a file's config or the declared handlers."""
    stamps: dict[str, Stamp] = {}
    for folder in folders:
        current = os.path.dirname(folder)
        while True:
            for name in _ABOVE_NAMES:
                path = os.path.join(current, name)
                if path not in stamps:
                    stamps[path] = _stamp(path)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return stamps


def unchanged(stamps: dict[str, Stamp]) -> bool:
    return all(_stamp(path) == stamp for path, stamp in stamps.items())


class _SafeUnpickler(pickle.Unpickler):
    """Builds only lambda-leak's data classes and plain containers: a cache file someone else
    wrote can at worst be wrong, never run code."""

    _BUILTINS = frozenset({"set", "frozenset", "tuple", "list", "dict", "str", "int", "bool", "NoneType"})

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("lambda_leak.") or (module == "builtins" and name in self._BUILTINS) \
                or (module == "pathlib" and name in ("PosixPath", "WindowsPath", "Path")):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


@dataclasses.dataclass
class FileResult:
    digest: str
    key: str
    findings: list
    error: str | None


@dataclasses.dataclass
class CacheData:
    """What the re-analysis of changed files reuses (read only when a run is not served whole)."""

    tool: str
    files: dict[str, FileResult] = dataclasses.field(default_factory=dict)
    summaries: dict[str, tuple[str, str, Any]] = dataclasses.field(default_factory=dict)  # path -> (digest, config, summary)
    deployment: dict = dataclasses.field(default_factory=dict)  # the IaC reader's per-file cache


@dataclasses.dataclass
class RunRecord:
    """One command's results and the stamps of everything it could have read."""

    tool: str
    stamps: dict[str, Stamp]
    results: list[tuple[str, list, str | None]]


def _read(path: Path, kind: type) -> Any:
    try:
        with open(path, "rb") as handle:
            found = _SafeUnpickler(io.BytesIO(handle.read())).load()
    except Exception:  # noqa: BLE001 - a missing, old or damaged cache is an empty one
        return None
    return found if isinstance(found, kind) else None


class ResultCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).absolute()
        self.tool = tool_fingerprint()
        self.file = self.folder / f"files-{FORMAT}-{self.tool}.pickle"
        self._data: CacheData | None = None

    @property
    def data(self) -> CacheData:
        if self._data is None:
            found = _read(self.file, CacheData)
            self._data = found if found is not None and found.tool == self.tool else CacheData(self.tool)
        return self._data

    def _run_file(self, run_key: str) -> Path:
        return self.folder / f"run-{FORMAT}-{run_key}.pickle"

    def prepare(self) -> None:
        """Create the folder (before the run's files are stamped: its creation changes its parent)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by lambda-leak: its result cache, safe to delete.\n*\n")
        except OSError:
            pass

    def _write(self, path: Path, value: Any) -> None:
        import tempfile  # a re-run with nothing changed writes nothing: it need not import this

        fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    # -- runs -------------------------------------------------------------------------------

    def run_results(self, run_key: str) -> list[tuple[str, list, str | None]] | None:
        """The results of the last identical run, if nothing it could have read has changed."""
        record = _read(self._run_file(run_key), RunRecord)
        if record is None or record.tool != self.tool or not unchanged(record.stamps):
            return None
        return record.results

    def save(self, run_key: str | None, stamps: dict[str, Stamp], results: list[tuple[str, list, str | None]]) -> None:
        """Write atomically; a folder we cannot write costs the cache, never the run. Files of other
        builds of lambda-leak and the oldest run records go. No `run_key`: the run is not served again."""
        try:
            self.prepare()
            self._write(self.file, self.data)
            if run_key is not None:
                self._write(self._run_file(run_key), RunRecord(self.tool, stamps, results))
            for old in self.folder.glob("files-*.pickle"):
                if old != self.file:
                    old.unlink(missing_ok=True)
            runs = sorted(self.folder.glob("run-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for old in runs[_MAX_RUNS:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
