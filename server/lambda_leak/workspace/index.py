"""The workspace index: every JavaScript/TypeScript file's summary, the deployment's declared
handlers, and the answers the analyser asks of them across files.

Built once per `check` run (each file parsed once: the parsed module is handed to the
analysis), kept current one file at a time by the language server (`update_file`,
`remove_file`, `dependents`). Python's cross-file facts are read on demand into `python`
(`workspace.python.PythonProject`) and dropped by the same updates. All public methods are
thread-safe: the server indexes and analyses on different threads.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

from lambda_leak.config import Config, ConfigError, config_for_directory
from lambda_leak.files import ListedFiles, UnreadableFile, iter_source_files, read_source
from lambda_leak.javascript.module import JsModule
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace import roots as deployment
from lambda_leak.workspace.entries import Entry, Ref
from lambda_leak.workspace.keys import forget_real_paths, key, known_keys  # noqa: F401 - the index's names
from lambda_leak.workspace.python import PythonProject
from lambda_leak.workspace.resolve import resolve_specifier
from lambda_leak.javascript.promises import display_path
from lambda_leak.workspace.summary import FileSummary, parse_module, summarise

log = logging.getLogger(__name__)

JS_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_MAX_DEPTH = 16  # re-export chains longer than this are not followed
_MAX_CHAIN = 64  # nor chains of functions returning each other's promises across files


def config_of(path: str) -> Config:
    try:
        return config_for_directory(os.path.dirname(key(path)))  # a string: no pathlib object per file
    except ConfigError:
        return Config()  # the CLI reports config errors for the files it checks


HELPER_MINIMUM = 150  # JS/TS files to index; below this, starting a helper process costs more than it saves
_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def is_python(path: str) -> bool:
    return path.lower().endswith((".py", ".pyi"))


def is_js(path: str) -> bool:
    lowered = path.lower()
    return lowered.endswith(_JS_SUFFIXES) and not lowered.endswith((".d.ts", ".d.mts", ".d.cts"))


class Workspace:
    def __init__(self, roots: Iterable[Path] = (), keep_modules: bool = False) -> None:
        self.roots = [Path(r) for r in roots]
        self.keep_modules = keep_modules  # the CLI analyses each file once: hand it the parsed module
        self._exists: Callable[[str], bool] = os.path.isfile  # see `read_existence_from`
        self._lock = threading.RLock()
        self.summaries: dict[str, FileSummary | None] = {}  # None: not readable / not parseable
        self._modules: dict[str, JsModule] = {}
        self.declared_handlers: list = []  # iac.DeclaredHandler, for --list-handlers
        self._declared: dict[str, frozenset[str]] = {}  # file -> names the deployment calls
        self._runtimes: dict[str, dict[str, str]] = {}  # file -> export name -> declared runtime
        self._forwarded_runtimes: dict[str, dict[str, str]] | None = None  # ...also where re-exports lead
        self._derived: tuple | None = None  # (declared incl. forwarded, reached) until something changes
        self._async_cache: dict[tuple[str, Ref], bool] = {}
        self._serves: bool | None = None  # some file serves a framework app through a Lambda adapter
        self._awaited: dict[str, list[tuple[str, str]]] | None = None  # callee key -> (file, "path:line") awaiting it
        self._resolve_cache: dict[tuple[str, str], str | None] = {}
        self._discovery = deployment.new_discovery()
        self.python = PythonProject(self.roots)  # Python's cross-file facts, read on demand

    # -- building --------------------------------------------------------------------------

    def read_existence_from(self, listings: dict | None) -> None:
        """For a run over a tree that stays as it is meanwhile (`check`): which files exist is read
        from its walk's folder listings (`files.ListedFiles`; None: no walk, the file system is asked).
        Never the language server's index: there, files come and go between the walk and the question."""
        if listings is not None:
            self._exists = ListedFiles(listings)

    @classmethod
    def for_paths(cls, paths: Iterable[Path], keep_modules: bool = False,
                  files: Iterable[Path] | None = None, listings: dict | None = None,
                  two_cores: bool = False) -> "Workspace":
        """The index of `paths`; `files`: their source files when the caller has walked them already
        (`listings`: the folder listings of that walk, see `files.walk_names`). `two_cores`: a large
        index is summarised by a helper process too (the language server's; not with `keep_modules`)."""
        paths = [Path(p) for p in paths]
        workspace = cls(paths, keep_modules)
        sources = [key(p) for p in (iter_source_files(paths, listings) if files is None else files) if is_js(str(p))]
        helper = None
        if two_cores and not keep_modules and len(sources) >= HELPER_MINIMUM:
            from lambda_leak.workspace.parallel import BackgroundSummaries  # multiprocessing: only when it may serve

            if BackgroundSummaries.worth_it(len(sources)):
                try:
                    helper = BackgroundSummaries(sources)
                except Exception:  # noqa: BLE001 - no helper process here: summarise in this one
                    log.debug("no helper process for indexing", exc_info=True)
        workspace.load_declarations(listings)
        if helper is None:
            for path in sources:
                workspace._summarise(path)
            return workspace
        found = helper.collect(workspace._summarise_all)
        with workspace._lock:  # in the order of the files, as one process would have added them
            ordered = {path: found.get(path) for path in sources}
            ordered.update(workspace.summaries)
            workspace.summaries = ordered
            workspace._invalidate()
        return workspace

    def _summarise_all(self, paths: list[str]) -> dict[str, FileSummary | None]:
        for path in paths:
            self._summarise(path)
        return {path: self.summaries.get(path) for path in paths}

    @contextmanager
    def _listed(self, listings: dict | None):
        """The deployment reader walks with `listings` (a walk just made) for one reading only: never
        stale, a later reading lists the folders again."""
        if self._discovery is not None:
            self._discovery.listings = listings
        try:
            yield
        finally:
            if self._discovery is not None:
                self._discovery.listings = None

    def deployment_candidates(self, listings: dict | None = None) -> list[tuple[str, Path]]:
        """The files `load_declarations` reads, with their deployment roots: to read them elsewhere."""
        with self._listed(listings):
            return deployment.candidates(self.roots, self._discovery)

    def load_declarations(self, listings: dict | None = None, readings: dict | None = None) -> None:
        """Read the deployment files; `listings`: folder listings of a walk just made, to reuse;
        `readings`: deployment files read elsewhere already (`iac.discovery.read_candidates`)."""
        with self._listed(listings):
            handlers = deployment.declared_handlers(self.roots, self._discovery, readings)
        by_file: dict[str, set[str]] = {}
        runtimes: dict[str, dict[str, str]] = {}
        for handler in handlers:
            if handler.source_file is not None and handler.export_name:
                by_file.setdefault(key(handler.source_file), set()).add(handler.export_name)
                if handler.runtime:
                    runtimes.setdefault(key(handler.source_file), {}).setdefault(handler.export_name, handler.deployed_runtime)
        with self._lock:
            self.declared_handlers = handlers
            before, self._declared = self._declared, {p: frozenset(names) for p, names in by_file.items()}
            self._runtimes = runtimes
            self._invalidate()
        if self._declared != before:
            self.python.declarations_changed()

    def add_summaries(self, summaries: Iterable[tuple[str, FileSummary | None]]) -> None:
        """Take summaries computed elsewhere (a worker process): (path, summary)."""
        with self._lock:
            for path, summary in summaries:
                self.summaries[key(path)] = summary
            self._invalidate()

    @property
    def deployment_reader(self):
        """The IaC reader (its per-file cache outlives a run in the CLI's cache)."""
        return self._discovery

    def summarise_text(self, path: str, text: str) -> FileSummary | None:
        """Parse and summarise `path` from `text` (kept for the analysis when `keep_modules`)."""
        with self._lock:
            return self._summarise(key(path), text)

    def _summarise(self, path: str, text: str | None = None) -> FileSummary | None:
        config = config_of(path)
        if text is None:
            try:
                text = read_source(Path(path), config.max_file_size).text
            except UnreadableFile:
                self.summaries[path] = None
                return None
        try:
            module = parse_module(SourceText(path, text, language_for(path)))
            summary = summarise(module, config)
        except Exception:  # noqa: BLE001 - the file's own analysis reports the problem; the index goes on
            log.debug("summarising %s failed", path, exc_info=True)
            self.summaries[path] = None
            return None
        self.summaries[path] = summary
        if self.keep_modules:
            self._modules[path] = module
        self._invalidate()
        return summary

    def _summary(self, path: str) -> FileSummary | None:
        """The summary of `path`, read on demand for files imported from outside the roots."""
        if path not in self.summaries:
            if not is_js(path) or not os.path.isfile(path):
                self.summaries[path] = None
                return None
            self._summarise(path)
        return self.summaries[path]

    def _invalidate(self) -> None:
        self._derived = None
        self._forwarded_runtimes = None
        self._awaited = None
        self._serves = None
        self._async_cache.clear()

    # -- the language server's updates ---------------------------------------------------------

    def update_file(self, path: str | os.PathLike, text: str | None = None) -> None:
        """A file was created or changed (on disk, or `text` when given); a deleted file is removed."""
        name = os.fspath(path)
        if self._declares(name):
            self.load_declarations()
        if is_python(name):
            self.python.changed(name)
        if not is_js(name):
            return
        path_key = key(name)
        if text is None and not os.path.isfile(path_key):
            self.remove_file(path_key)
            return
        with self._lock:
            self._resolve_cache.clear()
            self._modules.pop(path_key, None)
            self._summarise(path_key, text)

    def remove_file(self, path: str | os.PathLike) -> None:
        path_key = key(path)
        if is_python(os.fspath(path)):
            self.python.changed(os.fspath(path))
        with self._lock:
            self.summaries.pop(path_key, None)
            self._modules.pop(path_key, None)
            self._resolve_cache.clear()
            self._invalidate()
        if self._declares(os.fspath(path)):
            self.load_declarations()

    def _declares(self, path: str) -> bool:
        path_key = key(path)
        return deployment.may_declare_handlers(path) or any(key(h.declared_in) == path_key for h in self.declared_handlers)

    def dependents(self, path: str | os.PathLike) -> set[Path]:
        """Files whose findings may change when `path` changes: its importers (transitively:
        promise knowledge passes through re-exports), the files they and it import (their
        handler paths run there), and, for a deployment file, the files it declares handlers in."""
        path_key = key(path)
        if is_python(os.fspath(path)):
            found = {key(p) for p in self.python.dependents(path_key)}
            if self._declares(os.fspath(path)):
                found |= set(self._declared)
            found.discard(path_key)
            return {Path(p) for p in found}
        with self._lock:
            found = set()
            if self._declares(os.fspath(path)):
                found |= set(self._declared)
            importers: dict[str, set[str]] = {}
            for source, summary in self.summaries.items():
                for target in self._imports(source, summary):
                    importers.setdefault(target, set()).add(source)
            queue = [path_key]
            while queue:
                current = queue.pop()
                for importer in importers.get(current, ()):
                    if importer not in found:
                        found.add(importer)
                        queue.append(importer)
            queue = [path_key, *found]
            reached = {path_key, *found}
            while queue:  # callees: what the handlers of this file and its importers reach may change
                current = queue.pop()
                for target in self._imports(current, self.summaries.get(current)):
                    if target not in reached:
                        reached.add(target)
                        queue.append(target)
            found |= reached
            found.discard(path_key)
            return {Path(p) for p in found}

    def _imports(self, path: str, summary: FileSummary | None) -> list[str]:
        if summary is None:
            return []
        return [t for t in (self._resolve(path, s) for s in summary.specifiers) if t is not None]

    # -- what the analyser asks (hooks.AnalysisHooks) ---------------------------------------------

    def python_project(self) -> PythonProject:
        return self.python

    def take_module(self, path: str, data: bytes) -> JsModule | None:
        """The module parsed while indexing, if the text is still the same (once: then dropped)."""
        with self._lock:
            module = self._modules.pop(key(path), None)
        return module if module is not None and module.source.data == data else None

    def declared_handler_names(self, path: str) -> frozenset[str]:
        with self._lock:
            return self._derive()[0].get(key(path), frozenset())

    def declared_runtimes(self, path: str) -> dict[str, str]:
        """Export name -> the runtime the deployment declares for it, also through re-exports."""
        with self._lock:
            if self._forwarded_runtimes is None:
                forwarded = {p: dict(runtimes) for p, runtimes in self._runtimes.items()}
                for declaring, runtimes in self._runtimes.items():
                    for name, runtime in runtimes.items():
                        for target, (export, member) in self._lookup(declaring, name, None):
                            if target != declaring and member is None:
                                forwarded.setdefault(target, {}).setdefault(export, runtime)
                self._forwarded_runtimes = forwarded
            return dict(self._forwarded_runtimes.get(key(path), {}))

    def external_entries(self, path: str) -> dict[Entry, bool]:
        """Entries of `path` that handlers in other files call: entry -> that handler does not wait."""
        with self._lock:
            return dict(self._derive()[1].get(key(path), {}))

    def imported_is_async(self, path: str, specifier: str, imported: str, member: str | None) -> bool:
        with self._lock:
            specifier, _, base = specifier.partition("#")
            if base:
                if member is not None:
                    return False
                imported, member = base, imported
            return self._ref_async(key(path), (specifier, imported, member), set())

    def imported_returned_arity(self, path: str, specifier: str, imported: str, member: str | None) -> int | None:
        """For a project wrapper imported by `path`: the declared length of the function it returns."""
        with self._lock:
            for target_path, entry in self._targets(key(path), (specifier, imported, member)):
                arity = self.summaries[target_path].entries[entry].returns_arity
                if arity is not None:
                    return arity
            return None

    def serverless_app(self) -> bool:
        """Does some file of the project serve a web framework app through a Lambda adapter?"""
        with self._lock:
            if self._serves is None:
                self._serves = any(s is not None and s.serves_lambda for s in self.summaries.values())
            return self._serves

    def awaited_elsewhere(self, path: str, callee: str) -> str | None:
        """Where another file of the project awaits the package callee `callee` ("src/x.ts:42")."""
        with self._lock:
            if self._awaited is None:
                self._awaited = {}
                for source, summary in sorted(self.summaries.items()):
                    for awaited, line in summary.awaited if summary is not None else ():
                        places = self._awaited.setdefault(awaited, [])
                        if len(places) < 2:  # the first two files: one of them is not `path`
                            places.append((source, f"{display_path(source)}:{line + 1}"))
            path_key = key(path)
            return next((where for source, where in self._awaited.get(callee, ()) if source != path_key), None)

    def facts_for(self, path: str):
        """Everything the analysis of `path` needs from the index, precomputed and picklable."""
        from lambda_leak.workspace.facts import FileFacts

        path_key = key(path)
        with self._lock:
            declared, reached = self._derive()
            summary = self.summaries.get(path_key)
            answers = {}
            for ref in summary.refs if summary is not None else ():
                answers[ref] = self._ref_async(path_key, ref, set())
            arities = {}
            for ref in summary.refs if summary is not None else ():
                arity = self.imported_returned_arity(path, *ref)
                if arity is not None:
                    arities[ref] = arity
            awaited = {}
            for callee in summary.dropped if summary is not None else ():
                where = self.awaited_elsewhere(path_key, callee)
                if where is not None:
                    awaited[callee] = where
            return FileFacts(
                declared.get(path_key, frozenset()), dict(reached.get(path_key, {})), answers, awaited,
                self.serverless_app(), runtimes=self.declared_runtimes(path), returned_arities=arities,
            )

    def deployment_facts(self, path: str):
        """`facts_for` a Python file: all its analysis asks of the index is the deployment's (also
        about the files that import it), so it is ready before the JavaScript summaries are in."""
        from lambda_leak.workspace.facts import FileFacts

        path_key = key(path)
        with self._lock:
            return FileFacts(self._declared.get(path_key, frozenset()), {}, {}, runtimes=dict(self._runtimes.get(path_key, {})),
                             declared_by_file=self._declared)

    # -- cross-file reasoning ----------------------------------------------------------------

    def _resolve(self, importer: str, specifier: str) -> str | None:
        cache_key = (importer, specifier)
        if cache_key not in self._resolve_cache:
            target = resolve_specifier(importer, specifier, self._is_file)
            self._resolve_cache[cache_key] = key(target) if target is not None else None
        return self._resolve_cache[cache_key]

    def _is_file(self, path: str) -> bool:
        return self.summaries.get(path) is not None or self._exists(path)

    def _lookup(self, path: str | None, name: str, member: str | None, depth: int = 0) -> list[tuple[str, Entry]]:
        """The entries an import `name` (`member`) of `path` lands on, through re-exports."""
        if path is None or depth > _MAX_DEPTH:
            return []
        summary = self._summary(path)
        if summary is None:
            return []
        if name == "*":  # a namespace or a whole CommonJS module
            if member is None:
                return self._lookup(path, "default", None, depth + 1)
            return self._lookup(path, member, None, depth + 1) or self._lookup(path, "default", member, depth + 1)
        if (name, member) in summary.entries:
            return [(path, (name, member))]
        if name in summary.reexports:
            specifier, imported = summary.reexports[name]
            return self._lookup(self._resolve(path, specifier), imported, member, depth + 1)
        if name == "default" and member is not None and ("default", None) not in summary.entries:
            found = self._lookup(path, member, None, depth + 1)  # default import of a CommonJS module
            if found:
                return found
        for specifier in summary.stars:
            found = self._lookup(self._resolve(path, specifier), name, member, depth + 1)
            if found:
                return found
        return []

    def _targets(self, path: str, ref: Ref) -> list[tuple[str, Entry]]:
        specifier, imported, member = ref
        return self._lookup(self._resolve(path, specifier), imported, member)

    def _ref_async(self, path: str, ref: Ref, busy: set) -> bool:
        cached = self._async_cache.get((path, ref))
        if cached is not None:
            return cached
        result = False
        for target_path, entry in self._targets(path, ref) if len(busy) < _MAX_CHAIN else ():
            if (target_path, entry) in busy:
                continue
            busy.add((target_path, entry))
            facts = self.summaries[target_path].entries[entry]
            if facts.promise or any(self._ref_async(target_path, r, busy) for r in facts.promise_via):
                result = True
                break
        self._async_cache[(path, ref)] = result
        return result

    def _derive(self) -> tuple[dict[str, frozenset[str]], dict[str, dict[Entry, bool]]]:
        if self._derived is None:
            declared = self._forwarded_declarations()
            self._derived = (declared, self._reach_across_files(declared))
        return self._derived

    def _forwarded_declarations(self) -> dict[str, frozenset[str]]:
        """Declared names, also on the file that really defines a re-exported handler."""
        declared = {p: set(names) for p, names in self._declared.items()}
        for path, names in self._declared.items():
            for name in names:
                for target, (export, member) in self._lookup(path, name, None):
                    if target != path and member is None:
                        declared.setdefault(target, set()).add(export)
        for path, summary in list(self.summaries.items()):  # handler = middy(imported): the import is one
            for name, named, ref in summary.wrapped if summary is not None else ():
                if named or name in self._declared.get(path, ()):
                    for target, (export, member) in self._targets(path, ref):
                        if member is None:
                            declared.setdefault(target, set()).add(export)
        return {p: frozenset(names) for p, names in declared.items()}

    def _reach_across_files(self, declared: dict[str, frozenset[str]]) -> dict[str, dict[Entry, bool]]:
        reached: dict[str, dict[Entry, bool]] = {}
        queue: list[tuple[str, Entry, bool]] = []
        for path, summary in list(self.summaries.items()):
            if summary is None:
                continue
            names = {name for name, _ in summary.handlers} | set(declared.get(path, ()))
            for name in sorted(names):
                facts = summary.entries.get((name, None))
                if facts is None:
                    continue
                leaky = facts.leaky or any(self._ref_async(path, r, set()) for r in facts.leaky_via)
                queue.append((path, (name, None), leaky))
        while queue:
            path, entry, leaky = queue.pop()
            for ref in self.summaries[path].entries[entry].calls:
                for target_path, target in self._targets(path, ref):
                    seen = reached.setdefault(target_path, {})
                    if target not in seen or (leaky and not seen[target]):
                        seen[target] = leaky or seen.get(target, False)
                        queue.append((target_path, target, seen[target]))
        return reached
