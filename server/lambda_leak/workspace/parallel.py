"""`check` on several cores, each file read and parsed once (but for those a worker takes over at the
end), output in the usual order.

Each worker process owns a share of the files (whole folders), until the end: then a worker with
nothing left takes over the JavaScript parts another has not started (`_gather`). The workers are
forked during the walk from a process that imported the analysers (and built astroid's builtins) once
for all of them, on the second core, while the parent walks on (`Crew`). Each worker then reads its
files once (texts kept for the analysis), reads the deployment files of its folders with the bytes it
has and resolves their handlers, and parses and summarises its JavaScript files (modules kept) while
the parent takes in the deployment (deployment folders that hold none of the workers' files the parent
reads itself while the workers start, if they are not ready when it has shared the files out). As soon
as the deployment is known, the parent sends each worker the facts for its Python files (they need
nothing else), then, once the summaries are in, the facts for its JavaScript files: in parts, so that
no worker waits while the parent works.
"""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from lambda_leak.config import Config
from lambda_leak.files import UnreadableFile, decode, read_source, read_source_status_and_bytes
from lambda_leak.javascript import parser
from lambda_leak.model import Finding
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.index import HELPER_MINIMUM, Workspace, config_of, is_js, is_python
from lambda_leak.workspace.keys import keys_of
from lambda_leak.workspace.crew import Crew, _build_builtins, available_cores, choose_jobs  # noqa: F401 - choose_jobs for callers
from lambda_leak.workspace.python import PythonProject
from lambda_leak.workspace.summary import FileSummary, parse_module, summarise

TEMPLATE_WEIGHT = 4000  # see _scan_weight
SCAN_WEIGHT = 300
ANALYSIS_PARTS = 4  # each worker's Python analysis is sent in parts: it starts on the first while the parent prepares the next
JS_PART_DIVISOR = 4  # each JavaScript part is this fraction of what is left of the share, so the last parts are small:
JS_PART_MINIMUM = 8  # files; a worker that is done takes over the parts another has not started (`_gather`)

# In a worker, by index key, for its share of the run:
_BYTES: dict = {}  # the files' (status, bytes), until the deployment files among them are read
_TEXTS: dict = {}  # their texts (or UnreadableFile: why not), until analysed
_MODULES: dict = {}  # the JavaScript modules parsed for the summaries, until analysed
_PYTHON: list = []  # [the share's Python project facts]
_JAVASCRIPT: list = []  # (path, index key, config) of the JavaScript files, to summarise


def _read_share(items: list[tuple[str, str, Config]]) -> None:
    """First phase: read this worker's files (path, index key, config) once (texts kept for the
    analysis, bytes for the deployment readers)."""
    for table in (_BYTES, _TEXTS, _MODULES):
        table.clear()
    _JAVASCRIPT.clear()
    parser.share_parses(True)  # a CDK stack the deployment reader parses is not parsed again to be summarised
    _PYTHON[:] = [PythonProject()]
    for path, name, config in items:
        try:
            _BYTES[name] = status_and_bytes = read_source_status_and_bytes(path, config.max_file_size)
            decoded = decode(status_and_bytes[1])
            _TEXTS[name] = decoded.text
            # the project's facts need not read it again (unless `decode` replaced its "\r\n")
            if is_python(path) and decoded.newline == "\n":
                _PYTHON[0].known_text(name, decoded.text)
        except UnreadableFile as error:
            _TEXTS[name] = error
        if is_js(path):
            _JAVASCRIPT.append((path, name, config))


def _summarise_share() -> list[tuple[str, FileSummary | None]]:
    """First phase, last: parse and summarise this worker's JavaScript files (modules kept)."""
    out = []
    for path, name, config in _JAVASCRIPT:
        text = _TEXTS.get(name)
        if not isinstance(text, str):
            out.append((path, None))
            continue
        try:
            module = parse_module(SourceText(path, text, language_for(path)))
            summary = summarise(module, config)
        except Exception:  # noqa: BLE001 - the analysis reports this file's problem; the index goes on
            out.append((path, None))
            continue
        _MODULES[name] = module
        out.append((path, summary))
    parser.share_parses(False)
    return out


def _read_deployment(candidates: Iterable[tuple[str, Path]], tf_files: dict[str, list[str]]) -> dict:
    """First phase, continued: the deployment files of this worker's folders (and folders of none),
    each source among them with the bytes read already; `tf_files`: the .tf files under each root
    with Terraform (Terraform's modules are looked up in them), as the parent's walk listed them.
    The parent runs it too, on folders of none (`_read_while_workers_start`): it has no bytes."""
    if not candidates:
        _BYTES.clear()
        return {}
    from lambda_leak.iac import terraform
    from lambda_leak.iac.discovery import read_candidates  # imported by _import_analysers

    terraform.know_tf_files(tf_files)
    try:
        return read_candidates(candidates, _BYTES)
    finally:
        _BYTES.clear()
        terraform.know_tf_files({})


def _analyse_part(items: list[tuple[str, str, Config, object]], digests: bool = True,
                  ) -> list[tuple[list[Finding], str | None, str | None]]:
    """Second phase: analyse files (path, index key, config, facts) of this worker's share on the
    texts and modules of the first. (findings, error message, the text's digest for the result
    cache: None when not readable, or when not asked for: a run without the cache)."""
    from lambda_leak.cache import text_digest  # imported in the zygote (`_import_analysers`): the check
    from lambda_leak.engine import analyse_source  # itself, which only sends and gathers, never needs them

    out = []
    python = _PYTHON[0] if _PYTHON else PythonProject()
    for path, name, config, facts in items:
        text = _TEXTS.pop(name, None)
        try:
            if text is None:  # a second path with the same index key: the first took the text
                text = read_source(Path(path), config.max_file_size).text
            elif isinstance(text, UnreadableFile):
                raise text
        except UnreadableFile as error:
            out.append(([], str(error), None))
            continue
        if facts is not None:
            facts.module = _MODULES.pop(name, None)
            facts.python = python
        report = analyse_source(path, text, config, facts)
        out.append((report.findings, report.error, text_digest(text) if digests else None))
    return out


def _shares(names: list[str], jobs: int) -> tuple[list[list[int]], dict[str, int], list[int]]:
    """Indices of the files (`names`: their index keys) per worker: whole folders, the largest first
    to the least loaded worker (by bytes). A folder's files import each other and share a Python
    package root, whose facts (importers, reverse walks, trees) each worker would otherwise read
    again; so the folders of one package tree (`src/` with `src/utils/__init__.py`) go together,
    unless that would leave one worker most of the run. Also returned: each folder's worker, and
    the loads."""
    folders: dict[str, list[int]] = {}
    weights: dict[str, int] = {}
    for index, name in enumerate(names):
        folder = os.path.dirname(name)
        folders.setdefault(folder, []).append(index)
        try:
            weight = os.path.getsize(name) + 512  # a small file still costs a parse
        except OSError:
            weight = 512
        weights[folder] = weights.get(folder, 0) + weight
    units, unit_weights, members = _package_units(names, folders, weights, jobs)
    loads = [0] * jobs
    shares: list[list[int]] = [[] for _ in range(jobs)]
    unit_owners = _largest_first(units, unit_weights, shares, loads)
    owners = {folder: unit_owners[unit] for unit, grouped in members.items() for folder in grouped}
    return [sorted(share) for share in shares], owners, loads


def _package_units(names: list[str], folders: dict[str, list[int]], weights: dict[str, int], jobs: int,
                   ) -> tuple[dict[str, list[int]], dict[str, int], dict[str, list[str]]]:
    """The folders grouped by the Python package root above them (`PythonProject.package_root`, read
    from the walk's own `__init__.py` files: no file system calls); a group heavier than a fair part
    of one worker's load stays split by folder. Returns each unit's files, weight and folders."""
    packages = {os.path.dirname(name) for name in names if os.path.basename(name) == "__init__.py"}
    groups: dict[str, list[str]] = {}
    for folder in folders:
        root = folder
        while root in packages and os.path.dirname(root) != root:
            root = os.path.dirname(root)
        groups.setdefault(root, []).append(folder)
    limit = sum(weights.values()) / (2 * jobs)
    units: dict[str, list[int]] = {}
    unit_weights: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    for root, grouped in groups.items():
        weight = sum(weights[folder] for folder in grouped)
        split = [(root, grouped, weight)] if weight <= limit else [(f, [f], weights[f]) for f in grouped]
        for unit, unit_folders, unit_weight in split:
            units[unit] = [index for folder in unit_folders for index in folders[folder]]
            unit_weights[unit] = unit_weight
            members[unit] = unit_folders
    return units, unit_weights, members


def _largest_first(folders: dict[str, list], weights: dict[str, int], shares: list[list], loads: list[int]) -> dict[str, int]:
    """Each folder's items, the heaviest folder first, to the least loaded worker (`shares` and
    `loads` updated in place); returns each folder's worker."""
    owners: dict[str, int] = {}
    for folder in sorted(folders, key=lambda f: -weights[f]):
        lightest = owners[folder] = loads.index(min(loads))
        shares[lightest].extend(folders[folder])
        loads[lightest] += weights[folder]
    return owners


def _deployment_folders(candidates: list[tuple[str, Path]], owners: dict[str, int], jobs: int,
                        ) -> tuple[list[list[tuple[str, Path]]], list[tuple[str, Path]]]:
    """The deployment candidates in a folder of a worker's files, per worker (it has their bytes
    already: a CDK stack is read once), and the others (unowned)."""
    owned: list[list[tuple[str, Path]]] = [[] for _ in range(jobs)]
    unowned: list[tuple[str, Path]] = []
    for candidate in candidates:
        folder = owners.get(os.path.dirname(candidate[0]))
        (unowned if folder is None else owned[folder]).append(candidate)
    return owned, unowned


def _read_while_workers_start(unowned: list[tuple[str, Path]], tf_files: dict[str, list[str]],
                              shares_read: list[Future]) -> tuple[dict, list[tuple[str, Path]]]:
    """Unowned candidates read here, in order, until a worker has read its share of the sources
    (`shares_read`): until then the zygote is still importing or building astroid's builtins, and
    this process would only wait. Returns the readings and the candidates left for the workers
    (all of them when the workers were ready first)."""
    taken = 0

    def until_a_worker_is_ready():
        nonlocal taken
        for candidate in unowned:
            if any(future.done() for future in shares_read):
                return
            taken += 1
            yield candidate

    read = _read_deployment(until_a_worker_is_ready(), tf_files) if unowned else {}
    return read, unowned[taken:]


def _deployment_shares(owned: list[list[tuple[str, Path]]], unowned: list[tuple[str, Path]],
                       loads: list[int]) -> list[list[tuple[str, Path]]]:
    """The deployment candidates per worker: its own folders' (`_deployment_folders`), then the
    other folders, largest first, to the least loaded worker (by a guess of their cost)."""
    shares = [list(mine) for mine in owned]
    others: dict[str, list[tuple[str, Path]]] = {}
    for candidate in unowned:
        others.setdefault(os.path.dirname(candidate[0]), []).append(candidate)
    weights = {folder: sum(_scan_weight(name) for name, _ in found) for folder, found in others.items()}
    _largest_first(others, weights, shares, list(loads))
    return shares


def _terraform_files(candidates: list[tuple[str, Path]], listings: dict | None) -> dict[str, list[str]]:
    """The .tf files under each deployment root that has Terraform, from this run's listings: each
    worker would otherwise walk the whole tree for them (5,900 folders on a real samples repository)."""
    roots = {str(root) for name, root in candidates if name.endswith(".tf")}
    if not roots:
        return {}
    from lambda_leak.iac import terraform

    return {root: terraform.tf_files(root, listings) for root in sorted(roots)}


def _scan_weight(name: str) -> int:
    """What reading a deployment candidate costs, in bytes of source analysed: templates are parsed
    (after a marker check), other JSON files mostly only scanned."""
    return TEMPLATE_WEIGHT if name.endswith((".yaml", ".yml", ".template")) else SCAN_WEIGHT


def check_in_parallel(files: list[tuple[Path, Config]], roots: list[Path], jobs: int, index_out: list | None = None,
                      listings: dict | None = None, crew: Crew | None = None, digests: bool = True,
                      names: list[str] | None = None) -> list[tuple[list[Finding], str | None, str | None]]:
    """(findings, error message, text digest or None if not readable) per file, in the order of
    `files`, each file read once (by its worker); the index built on the way is
    appended to `index_out` when given (the result cache keys files on its facts). `listings`: the
    folder listings of the walk that found `files` (see `files.walk_names`); `crew`: workers
    started already (shut down here); `digests`: False for a run without the result cache (the
    texts are not hashed, each digest is None); `names`: the files' index keys, when the caller
    has them (`keys.keys_of`)."""
    crew = crew or Crew()
    try:
        # first: while this process shares out the files
        crew.start(jobs, python=any(is_python(str(path)) for path, _ in files))
        crew.keep(jobs)
        workers, chores = crew.workers, [chore for mine in crew.chores for chore in mine]
        names = names if names is not None else keys_of((path for path, _ in files), listings)
        shares, owners, loads = _shares(names, jobs)
        shares_read = [w.submit(_read_share, [(str(files[j][0]), names[j], files[j][1]) for j in share])
                       for w, share in zip(workers, shares)]
        chores += shares_read
        python = [[j for j in share if is_python(names[j])] for share in shares]
        # while this process lists the deployment files
        chores += [w.submit(_build_builtins) for w, mine in zip(workers, python) if mine]
        workspace = Workspace(roots)  # while the workers read
        workspace.read_existence_from(listings)
        candidates = workspace.deployment_candidates(listings)
        tf_files = _terraform_files(candidates, listings)
        owned, unowned = _deployment_folders(candidates, owners, jobs)
        read, unowned = _read_while_workers_start(unowned, tf_files, shares_read)
        deployment = _deployment_shares(owned, unowned, loads)
        readings = [w.submit(_read_deployment, share, tf_files) for w, share in zip(workers, deployment)]
        summaries = [w.submit(_summarise_share) for w in workers]  # while this process takes in the deployment
        for future in readings:
            read.update(future.result())
        workspace.load_declarations(listings, read)
        # Python first: its analysis asks the deployment, not the JavaScript summaries
        analyses = _send(workers, files, names, python, workspace.deployment_facts, _equal_parts, digests)
        for future in summaries:
            workspace.add_summaries(future.result())
        if index_out is not None:
            index_out.append(workspace)
        javascript = [[j for j in share if not is_python(names[j])] for share in shares]
        analyses += _send(workers, files, names, javascript, workspace.facts_for, _shrinking_parts, digests, movable=True)
        results: list = [None] * len(files)
        _gather(workers, analyses, results)
        for future in chores:
            future.result()  # a failure there shows in the analysis too; never ignored
        return results
    finally:
        crew.shutdown()


@dataclass
class _Part:
    """Files of one worker's share sent for analysis together; `movable`: another worker may take
    them over before they start (JavaScript: re-reading and re-parsing a file costs little next to
    its analysis, where a Python file would rebuild its project's trees)."""

    worker: int
    indices: list[int]
    items: list
    digests: bool
    future: Future
    movable: bool


def _send(workers: list, files: list[tuple[Path, Config]], names: list[str], shares: list[list[int]],
          facts_of, parts_of, digests: bool, movable: bool = False) -> list[_Part]:
    """Each worker's files to analyse, with their facts, in parts (`parts_of` splits a share): the
    workers start on their first part while this process prepares the next."""
    per_worker = [list(parts_of(share)) for share in shares]
    sent = []
    for part in range(max(map(len, per_worker), default=0)):
        for number, (worker, parts) in enumerate(zip(workers, per_worker)):
            if part < len(parts):
                indices = parts[part]
                items = [(str(files[j][0]), names[j], files[j][1], facts_of(names[j])) for j in indices]
                sent.append(_Part(number, indices, items, digests, worker.submit(_analyse_part, items, digests), movable))
    return sent


def _equal_parts(share: list[int]):
    for part in range(ANALYSIS_PARTS):
        indices = share[part * len(share) // ANALYSIS_PARTS:(part + 1) * len(share) // ANALYSIS_PARTS]
        if indices:
            yield indices


def _shrinking_parts(share: list[int]):
    start = 0
    while start < len(share):
        size = max(JS_PART_MINIMUM, (len(share) - start) // JS_PART_DIVISOR)
        yield share[start:start + size]
        start += size


def _gather(workers: list, parts: list[_Part], results: list) -> None:
    """Every part's results into `results` (by file index). A worker with nothing left to do takes
    over the last part another worker has not started: the shares are balanced by bytes, which
    predict the analysis only roughly (up to 0.2 s CPU apart on the generated tree)."""
    waiting = {part.future: part for part in parts}
    while waiting:
        done, _ = wait(waiting, return_when=FIRST_COMPLETED)
        for future in done:
            part = waiting.pop(future)
            if not future.cancelled():  # cancelled: taken over by another worker (`_take_over`)
                for index, result in zip(part.indices, future.result()):
                    results[index] = result
        for idle in set(range(len(workers))) - {part.worker for part in waiting.values()}:
            moved = _take_over(waiting, idle)
            if moved is not None:
                future = workers[idle].submit(_analyse_part, moved.items, moved.digests)
                waiting[future] = _Part(idle, moved.indices, moved.items, moved.digests, future, movable=False)


def _take_over(waiting: dict, idle: int) -> _Part | None:
    """The last movable part of the busiest other worker, if it has not started (cancelled there)."""
    queued: dict[int, list[_Part]] = {}
    for part in waiting.values():
        if part.movable and part.worker != idle:
            queued.setdefault(part.worker, []).append(part)
    for worker in sorted(queued, key=lambda w: -sum(len(p.indices) for p in queued[w])):
        last = queued[worker][-1]
        if last.future.cancel():
            del waiting[last.future]
            return last
    return None


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
        import multiprocessing  # here: `check`'s workers, which import this module, never need it
        from concurrent.futures import ProcessPoolExecutor

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
