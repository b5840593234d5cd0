"""`check` on several cores, each file still parsed once, output in the usual order.

Each worker process owns a fixed share of the files for the whole run (whole folders): it reads
each of them once, parses and summarises the JavaScript ones and reads the deployment files of its
folders, resolving their handlers (phase 1), keeping the texts and parsed modules; then it imports
its analysers and builds astroid's model of the builtins while the parent builds the index from the
summaries and the deployment readings, and sends each worker the precomputed facts for its files
(phase 2): the worker analyses them on the texts and trees it already has.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.files import UnreadableFile, decode, read_bytes, read_source
from lambda_leak.model import Finding
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.index import HELPER_MINIMUM, Workspace, config_of, is_js, is_python, key
from lambda_leak.workspace.python import PythonProject
from lambda_leak.workspace.summary import FileSummary, parse_module, summarise

PARALLEL_THRESHOLD = 150  # files; below this, starting processes costs more than it saves
FILES_PER_WORKER = 75

TEMPLATE_WEIGHT = 4000  # see _scan_weight
SCAN_WEIGHT = 300

_MODULES: dict = {}  # in a worker: path -> the module parsed in phase 1
_TEXTS: dict = {}  # in a worker: path -> its text read in phase 1 (or UnreadableFile: why not)


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def choose_jobs(file_count: int, requested: int | None) -> int:
    if requested:
        return max(1, requested)
    if file_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(available_cores(), 8, file_count // FILES_PER_WORKER))


def _first_phase(items: list[tuple[str, Config]], candidates: list[tuple[str, Path]],
                 ) -> tuple[list[tuple[str, FileSummary | None]], dict]:
    """Read this worker's files once: the texts are kept for the analysis, the JavaScript modules
    parsed and summarised (and kept), and the share's deployment files read with the same bytes."""
    _MODULES.clear()
    _TEXTS.clear()
    data: dict[str, bytes] = {}
    out = []
    for path, config in items:
        name = key(path)
        try:
            data[name] = read_bytes(Path(path), config.max_file_size)
            text = decode(data[name]).text
        except UnreadableFile as error:
            _TEXTS[name] = error
            if is_js(path):
                out.append((path, None))
            continue
        _TEXTS[name] = text
        if not is_js(path):
            continue
        try:
            module = parse_module(SourceText(path, text, language_for(path)))
            summary = summarise(module, config)
        except Exception:  # noqa: BLE001 - the analysis reports this file's problem; the index goes on
            out.append((path, None))
            continue
        _MODULES[name] = module
        out.append((path, summary))
    if not candidates:
        return out, {}
    from lambda_leak.iac.discovery import read_candidates  # imported by the parent already (Workspace)

    return out, read_candidates(candidates, data)


def _warm_up(python: bool, javascript: bool) -> None:
    """What every analysis in this worker pays once, paid while the parent reads deployment files:
    the analysers and rules imported, astroid's model of the builtins built."""
    from lambda_leak.engine import active_rules

    if python:
        from astroid.builder import AstroidBuilder

        from lambda_leak.python import analyse, parsing  # noqa: F401 - imported for the analysis

        AstroidBuilder(parsing.MANAGER)  # bootstraps astroid's builtins module (once per process)
        active_rules("python", Config())
    if javascript:
        from lambda_leak.javascript import analyse as _  # noqa: F401 - imported for the analysis

        active_rules("javascript", Config())


def _analyse_share(items: list[tuple[str, Config, object]]) -> list[tuple[list[Finding], str | None]]:
    out = []
    python = PythonProject()  # this worker's Python project facts, for the whole share
    for path, config, facts in items:
        text = _TEXTS.pop(key(path), None)
        try:
            if text is None:  # not read in the first phase
                text = read_source(Path(path), config.max_file_size).text
            elif isinstance(text, UnreadableFile):
                raise text
        except UnreadableFile as error:
            out.append(([], str(error)))
            continue
        if facts is not None:
            facts.module = _MODULES.pop(key(path), None)
            facts.python = python
        report = analyse_source(path, text, config, facts)
        out.append((report.findings, report.error))
    _MODULES.clear()
    _TEXTS.clear()
    return out


def _shares(files: list[tuple[Path, Config]], candidates: list[tuple[str, Path]], jobs: int,
            ) -> list[tuple[list[int], list[tuple[str, Path]]]]:
    """Per worker: indices of `files` and the deployment candidates it reads; whole folders, the
    largest first to the least loaded worker (by bytes, and a guess for files only scanned for
    deployment markers). A folder's files import each other and share a Python package root, whose
    facts (importers, reverse walks, trees) each worker would otherwise read again; and a source file
    that may declare handlers is read once, by the worker that analyses it."""
    folders: dict[str, tuple[list[int], list[tuple[str, Path]]]] = {}
    weights: dict[str, int] = {}
    sources = set()
    for index, (path, _) in enumerate(files):
        name = key(path)
        sources.add(name)
        folder = os.path.dirname(name)
        folders.setdefault(folder, ([], []))[0].append(index)
        try:
            weight = os.path.getsize(name) + 512  # a small file still costs a parse
        except OSError:
            weight = 512
        weights[folder] = weights.get(folder, 0) + weight
    for name, root in candidates:
        folder = os.path.dirname(name)
        folders.setdefault(folder, ([], []))[1].append((name, root))
        if name not in sources:
            weights[folder] = weights.get(folder, 0) + _scan_weight(name)
    loads = [0] * jobs
    shares: list[tuple[list[int], list[tuple[str, Path]]]] = [([], []) for _ in range(jobs)]
    for folder in sorted(folders, key=lambda f: -weights[f]):
        lightest = loads.index(min(loads))
        shares[lightest][0].extend(folders[folder][0])
        shares[lightest][1].extend(folders[folder][1])
        loads[lightest] += weights[folder]
    return [(sorted(indices), names) for indices, names in shares]


def _scan_weight(name: str) -> int:
    """What reading a deployment candidate costs, in bytes of source analysed: templates are parsed
    (after a marker check), other JSON files mostly only scanned."""
    return TEMPLATE_WEIGHT if name.endswith((".yaml", ".yml", ".template")) else SCAN_WEIGHT


def _context():
    """fork when it is safe (no other threads whose locks a child could inherit): it is fast and
    the children start with everything imported; otherwise forkserver, or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def check_in_parallel(files: list[tuple[Path, Config]], roots: list[Path], jobs: int,
                      index_out: list | None = None, listings: dict | None = None) -> list[tuple[list[Finding], str | None]]:
    """(findings, error message) per file, in the order of `files`; the index built on the way is
    appended to `index_out` when given (the result cache keys files on its facts). `listings`: the
    folder listings of the walk that found `files` (see `files.walk_names`)."""
    workspace = Workspace(roots)  # first: the workers inherit the deployment readers it imports
    shares = _shares(files, workspace.deployment_candidates(listings), jobs)
    context = _context()
    workers = [ProcessPoolExecutor(max_workers=1, mp_context=context) for _ in range(jobs)]
    try:
        first = [w.submit(_first_phase, [(str(files[j][0]), files[j][1]) for j in share], names)
                 for w, (share, names) in zip(workers, shares)]
        for worker, (share, _) in zip(workers, shares):
            names = [str(files[j][0]) for j in share]
            worker.submit(_warm_up, any(map(is_python, names)), any(map(is_js, names)))
        readings: dict = {}
        for future in first:
            summaries, read = future.result()
            for path, summary in summaries:
                workspace.add_summary(path, summary)
            readings.update(read)
        workspace.load_declarations(listings, readings)
        if index_out is not None:
            index_out.append(workspace)
        analyses = []
        for worker, (share, _) in zip(workers, shares):
            items = [(str(files[j][0]), files[j][1], workspace.facts_for(str(files[j][0]))) for j in share]
            analyses.append(worker.submit(_analyse_share, items))
        results: list = [None] * len(files)
        for (share, _), future in zip(shares, analyses):
            for index, result in zip(share, future.result()):
                results[index] = result
        return results
    finally:
        for worker in workers:
            worker.shutdown(wait=True, cancel_futures=True)


def _summaries(paths: list[str]) -> list[tuple[str, FileSummary | None]]:
    """Summaries of index keys, each with its folder's config (as `Workspace._summarise` does)."""
    out = []
    for path in paths:
        config = config_of(path)
        try:
            text = read_source(Path(path), config.max_file_size).text
            out.append((path, summarise(parse_module(SourceText(path, text, language_for(path))), config)))
        except Exception:  # noqa: BLE001 - unreadable or unparsable: no summary, as in the index
            out.append((path, None))
    return out


class BackgroundSummaries:
    """The language server's indexing on two cores: a helper process summarises the JavaScript
    and TypeScript files, chunk by chunk, while this one reads the deployment files; then this
    one takes over the chunks the helper has not started, from the last. Started with spawn:
    the server has threads, which fork must not copy."""

    CHUNK = 48  # files
    PATIENCE = 60.0  # seconds to wait for a chunk the helper has started; then it is done here

    def __init__(self, paths: list[str]) -> None:
        self._chunks = [paths[i:i + self.CHUNK] for i in range(0, len(paths), self.CHUNK)]
        self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._futures: list[Future] = [self._executor.submit(_summaries, chunk) for chunk in self._chunks]

    @staticmethod
    def worth_it(count: int) -> bool:
        return count >= HELPER_MINIMUM and available_cores() >= 2

    def collect(self, summarise_here) -> dict[str, FileSummary | None]:
        """Every path's summary; `summarise_here(paths)` does a chunk in this process."""
        found: dict[str, FileSummary | None] = {}
        stuck = False
        try:
            taken = []
            for index in reversed(range(len(self._chunks))):
                if not self._futures[index].cancel():
                    break  # the helper has started this one: it has the earlier ones too
                taken.append(index)
            for index in reversed(taken):
                found.update(summarise_here(self._chunks[index]))
            for chunk, future in zip(self._chunks, self._futures):
                if future.cancelled():
                    continue
                try:
                    found.update(future.result(timeout=0 if stuck else self.PATIENCE))
                except Exception:  # noqa: BLE001 - the helper died or hangs: summarise its chunk here
                    stuck = stuck or not future.done()
                    found.update(summarise_here(chunk))
        finally:
            # every chunk is in by now: nothing is left running, unless the helper hangs
            self._executor.shutdown(wait=not stuck, cancel_futures=True)
        return found
