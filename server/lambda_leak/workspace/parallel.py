"""`check` on several cores, each file still parsed once, output in the usual order.

Each worker process owns a fixed share of the files for the whole run (whole folders): it
parses and summarises them (phase 1), keeping the parsed modules, then imports its analysers and
builds astroid's model of the builtins, while the parent reads the deployment files. The parent
builds the index from the summaries, then sends each worker the precomputed facts for its files
(phase 2) and the worker analyses them on the trees it already has.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.files import UnreadableFile, read_source
from lambda_leak.model import Finding
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.index import HELPER_MINIMUM, Workspace, config_of, is_js, is_python, key
from lambda_leak.workspace.python import PythonProject
from lambda_leak.workspace.summary import FileSummary, parse_module, summarise

PARALLEL_THRESHOLD = 150  # files; below this, starting processes costs more than it saves
FILES_PER_WORKER = 75

_MODULES: dict = {}  # in a worker: path -> the module parsed in phase 1


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


def _summarise_share(items: list[tuple[str, Config]]) -> list[tuple[str, FileSummary | None]]:
    _MODULES.clear()
    out = []
    for path, config in items:
        if not is_js(path):
            continue
        try:
            text = read_source(Path(path), config.max_file_size).text
        except UnreadableFile:
            out.append((path, None))
            continue
        try:
            module = parse_module(SourceText(path, text, language_for(path)))
            summary = summarise(module, config)
        except Exception:  # noqa: BLE001 - the analysis reports this file's problem; the index goes on
            out.append((path, None))
            continue
        _MODULES[key(path)] = module
        out.append((path, summary))
    return out


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
        try:
            decoded = read_source(Path(path), config.max_file_size)
        except UnreadableFile as error:
            out.append(([], str(error)))
            continue
        if facts is not None:
            facts.module = _MODULES.pop(key(path), None)
            facts.python = python
        report = analyse_source(path, decoded.text, config, facts)
        out.append((report.findings, report.error))
    _MODULES.clear()
    return out


def _shares(files: list[tuple[Path, Config]], jobs: int) -> list[list[int]]:
    """Indices of `files` per worker: whole folders, the largest first to the least loaded worker
    (by bytes). A folder's files import each other and share a Python package root, whose facts
    (importers, reverse walks, trees) each worker would otherwise read again."""
    folders: dict[str, list[int]] = {}
    for index, (path, _) in enumerate(files):
        folders.setdefault(os.path.dirname(str(path)), []).append(index)
    weights = {}
    for folder, indices in folders.items():
        total = 0
        for index in indices:
            try:
                total += os.path.getsize(files[index][0]) + 512  # a small file still costs a parse
            except OSError:
                total += 512
        weights[folder] = total
    loads = [0] * jobs
    shares: list[list[int]] = [[] for _ in range(jobs)]
    for folder in sorted(folders, key=lambda f: -weights[f]):
        lightest = loads.index(min(loads))
        shares[lightest].extend(folders[folder])
        loads[lightest] += weights[folder]
    return [sorted(share) for share in shares]


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
    context = _context()
    shares = _shares(files, jobs)
    workers = [ProcessPoolExecutor(max_workers=1, mp_context=context) for _ in range(jobs)]
    try:
        summaries = [w.submit(_summarise_share, [(str(files[j][0]), files[j][1]) for j in share])
                     for w, share in zip(workers, shares)]
        for worker, share in zip(workers, shares):
            names = [str(files[j][0]) for j in share]
            worker.submit(_warm_up, any(map(is_python, names)), any(map(is_js, names)))
        workspace = Workspace(roots)
        workspace.load_declarations(listings)  # while the workers parse
        for future in summaries:
            for path, summary in future.result():
                workspace.add_summary(path, summary)
        if index_out is not None:
            index_out.append(workspace)
        analyses = []
        for worker, share in zip(workers, shares):
            items = [(str(files[j][0]), files[j][1], workspace.facts_for(str(files[j][0]))) for j in share]
            analyses.append(worker.submit(_analyse_share, items))
        results: list = [None] * len(files)
        for share, future in zip(shares, analyses):
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
