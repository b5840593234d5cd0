"""The worker processes of a `check` on several cores, started while the walk goes on: how many,
and how they start. Imported by the command before its walk, so it imports little itself; what
the workers do is in `parallel`."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from pathlib import Path

from lambda_leak.config import Config
from lambda_leak.workspace.forked import Zygote

PARALLEL_THRESHOLD = 150  # files; below this, starting processes costs more than it saves
FILES_PER_WORKER = 75


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


def _import_analysers() -> None:
    """What every worker needs, imported once for all in the zygote while the check walks (or by
    each worker started afresh): the analysers and their rules, the deployment readers, and what
    the workers run (`parallel`)."""
    from lambda_leak.cache import text_digest  # noqa: F401 - the digests of the analysed texts
    from lambda_leak.engine import active_rules
    from lambda_leak.javascript import analyse as _  # noqa: F401 - imported for the analysis
    from lambda_leak.python import analyse, parsing  # noqa: F401 - imported for the analysis

    from lambda_leak.workspace import parallel  # noqa: F401 - the functions the workers are sent

    active_rules("python", Config())
    active_rules("javascript", Config())
    try:
        from lambda_leak.iac import discovery  # noqa: F401 - read_candidates
    except ImportError:
        pass  # no deployment readers here: the parent has none either (roots.new_discovery)


def _build_builtins() -> None:
    """astroid's model of the builtins (once per process, for Python analysis): in the zygote when
    the walk has found Python files before the workers were forked; otherwise in each worker that
    gets Python files (a no-op when inherited)."""
    from astroid.builder import AstroidBuilder

    from lambda_leak.python import parsing

    AstroidBuilder(parsing.MANAGER)


def _can_fork() -> bool:
    """fork when it is safe (no other threads whose locks a child could inherit): it is fast and
    the children start with everything imported."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _context():
    """Where fork is not safe: forkserver, or spawn (multiprocessing is imported only then)."""
    import multiprocessing

    return multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")


class Crew:
    """The worker processes of a check, started as soon as the walk has found enough files that
    the run will use them. Where processes fork (and this one has no other thread yet), they are
    forked from a zygote (`forked.Zygote`, forked before the walk by `warm`) that imports the
    analysers and, when Python files have been found, builds astroid's builtins on the second core
    while this process walks on:
    imported and built once for all workers, never on the walk's core (generated tree, two
    cores, load 8 with the check's priority raised, alternating medians of 9: 1.90 -> 1.65 s
    wall with the end's balancing; the walk's CPU 0.30 -> 0.15 s, the builtins' 0.24 -> 0.13 s).
    Elsewhere, `ProcessPoolExecutor`s with forkserver or spawn, whose workers import and build
    for themselves."""

    def __init__(self, requested: int | None = None) -> None:
        self.requested = requested
        self.workers: list = []  # ForkedWorker or ProcessPoolExecutor: submit() and shutdown()
        self.chores: list[list[Future]] = []  # per worker: its imports and builtins
        self._context = None
        self._zygote: Zygote | None = None

    def warm(self) -> None:
        """Fork the zygote now, before the walk, where the run may use several cores: its imports and
        astroid's builtins (a third of a second) then overlap the walk from its start, and the workers
        are ready sooner after it (they were what the check waited for). A walk that finds too few
        files ends it unused (`walked`)."""
        if self.requested == 1 or (not self.requested and available_cores() < 2):
            return
        if self._zygote is None and self._context is None and _can_fork():
            try:
                self._zygote = Zygote(_import_analysers, _build_builtins)
            except OSError:
                pass  # (macOS: no SOCK_SEQPACKET) `start` falls back to executors if workers are wanted

    def walked(self, file_count: int) -> None:
        """The walk is over: a zygote the run will not use (too few files) ends now, not when the
        analysis in this process is done."""
        if not self.workers and choose_jobs(file_count, self.requested) < 2:
            self.shutdown(wait=False)

    def found(self, files: list[tuple[Path, Config]]) -> None:
        """The walk has found `files` so far: start the workers a run of that many uses."""
        jobs = choose_jobs(len(files), self.requested)
        if len(self.workers) < jobs:
            self.start(jobs, python=any(path.suffix.lower() in (".py", ".pyi") for path, _ in files))

    def start(self, jobs: int, python: bool = True) -> None:
        """`python`: whether the run has Python files (for astroid's builtins)."""
        if jobs < 2:
            return
        if self._zygote is None and self._context is None:  # once: the zygote and executors have threads here
            if _can_fork():  # (when it cannot be made, `_zygote_or_none` sets the executors' context)
                self._zygote = self._zygote_or_none(lambda: Zygote(_import_analysers, _build_builtins))
            else:
                self._context = _context()
        if python and self._zygote is not None:
            self._zygote_or_none(self._zygote.for_python)
        while len(self.workers) < jobs:
            worker = self._zygote_or_none(self._zygote.fork_worker) if self._zygote is not None else None
            if worker is not None:
                chores = []  # imported (and built) in the zygote
            else:
                from concurrent.futures import ProcessPoolExecutor

                worker = ProcessPoolExecutor(max_workers=1, mp_context=self._context)
                chores = [worker.submit(_import_analysers)]
            if python:
                chores.append(worker.submit(_build_builtins))  # nothing left to do when inherited
            self.workers.append(worker)
            self.chores.append(chores)

    def _zygote_or_none(self, call):
        """`call()`, or None when the zygote cannot be (macOS: no SOCK_SEQPACKET) or is gone (it
        failed to import): then this crew's further workers start afresh, with executors."""
        try:
            return call()
        except OSError:
            if self._zygote is not None:
                self._zygote.close(wait=False)
                self._zygote = None
            self._context = self._context or _context()
            return None

    def keep(self, jobs: int) -> None:
        """Only the first `jobs` workers: the others (the run found fewer files in the end) go."""
        for worker in self.workers[jobs:]:
            worker.shutdown(wait=False, cancel_futures=True)
        del self.workers[jobs:], self.chores[jobs:]

    def shutdown(self, wait: bool = True) -> None:
        for worker in self.workers:
            worker.shutdown(wait=wait, cancel_futures=True)
        self.workers.clear()
        self.chores.clear()
        if self._zygote is not None:
            self._zygote.close(wait)
            self._zygote = None


