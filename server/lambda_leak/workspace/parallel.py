"""`check` on several cores, each file still parsed once, output in the usual order.

Each worker process owns a fixed share of the files for the whole run: it parses and
summarises them (phase 1) and keeps the parsed modules; the parent builds the index from the
summaries while it reads the deployment files, then sends each worker the precomputed facts
for its files (phase 2) and the worker analyses them on the trees it already has.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.files import UnreadableFile, read_source
from lambda_leak.model import Finding
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.index import Workspace, is_js, key
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


def _context():
    """fork when it is safe (no other threads whose locks a child could inherit): it is fast and
    the children start with everything imported; otherwise forkserver, or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def check_in_parallel(files: list[tuple[Path, Config]], roots: list[Path], jobs: int,
                      index_out: list | None = None) -> list[tuple[list[Finding], str | None]]:
    """(findings, error message) per file, in the order of `files`; the index built on the way is
    appended to `index_out` when given (the result cache keys files on its facts)."""
    context = _context()
    shares = [list(range(i, len(files), jobs)) for i in range(jobs)]
    workers = [ProcessPoolExecutor(max_workers=1, mp_context=context) for _ in range(jobs)]
    try:
        summaries = [w.submit(_summarise_share, [(str(files[j][0]), files[j][1]) for j in share])
                     for w, share in zip(workers, shares)]
        workspace = Workspace(roots)
        workspace.load_declarations()  # while the workers parse
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
