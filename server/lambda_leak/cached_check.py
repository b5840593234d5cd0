"""`check` through the result cache (see `cache.py`): whole runs served when nothing changed,
otherwise each file re-analysed only when its text, config or cross-file facts changed."""

from __future__ import annotations

import os
from pathlib import Path

from lambda_leak.cache import ResultCache, FileResult, Stamp, config_fingerprint, facts_fingerprint, scan, \
    stamps_above, text_digest, _stamp
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.files import UnreadableFile, read_source
from lambda_leak.source import language_for
from lambda_leak.workspace import Workspace
from lambda_leak.workspace import roots as deployment
from lambda_leak.workspace.index import is_js
from lambda_leak.workspace.keys import keys_of
from lambda_leak.workspace import parallel

Result = tuple[str, list, "str | None"]  # (displayed path, findings, error message)
_JS_SCOPE = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".toml",
             "package.json", "package-lock.json", "yarn.lock", "pnpm-lock.yaml")


def _package_root(path: str) -> str:
    folder = os.path.dirname(path)
    while os.path.isfile(os.path.join(folder, "__init__.py")) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder


def _stamps_in_scope(files: list[tuple[Path, Config]], paths: list[Path], skip: str) -> dict[str, Stamp]:
    """Everything this run may read: the checked folders, the deployment folders above them and
    Python's package roots, and config/deployment names above all of these."""
    folders = {os.path.abspath(p) for p in paths if os.path.isdir(p)}
    folders |= {str(r) for r in deployment.deployment_roots(paths)}
    folders |= {_package_root(os.path.abspath(p)) for p, _ in files if language_for(str(p)) == "python"}
    outermost = [f for f in sorted(folders) if not any(f.startswith(o.rstrip(os.sep) + os.sep) for o in folders if o != f)]
    stamps = scan(outermost, skip)
    for path in paths:
        if not os.path.isdir(path):
            stamps[os.path.abspath(path)] = _stamp(os.path.abspath(path))
    stamps.update(stamps_above(outermost or [os.path.dirname(os.path.abspath(p)) for p in paths]))
    return stamps


def check(files: list[tuple[Path, Config]], paths: list[Path], jobs: int | None,
          cache: ResultCache, listings: dict | None = None, crew: parallel.Crew | None = None,
          ) -> tuple[list[Result], dict[str, Stamp]]:
    """Results in the order of `files`, and the stamps that make them valid next time (`listings`:
    the folder listings of the walk that found `files`, see `files.walk_names`; `crew`: workers
    started during it)."""
    stamps = _stamps_in_scope(files, paths, str(cache.folder))  # before reading: an edit during the run shows next time
    data = cache.data
    names = keys_of((path for path, _ in files), listings)
    texts: list[tuple[str | None, str | None]] = []  # (text, read error) per file
    changed = 0
    for (path, config), name in zip(files, names):
        previous = data.files.get(name)
        if previous is None:  # nothing to compare it with: read once, by whoever analyses it
            texts.append(_UNREAD)
            changed += 1
            continue
        texts.append(_read(path, config))
        if texts[-1][0] is None or previous.digest != text_digest(texts[-1][0]):
            changed += 1
    workspace, results = None, None
    if parallel.choose_jobs(changed, jobs) >= 2 and parallel.choose_jobs(len(files), jobs) >= 2:  # mostly new: use every core
        built: list = []
        try:
            results = parallel.check_in_parallel(files, paths, parallel.choose_jobs(len(files), jobs), built, listings,
                                                 crew, names=names)
            workspace = built[0]
        except Exception:  # noqa: BLE001 - a worker that died (or cannot start): check here instead
            workspace, results = None, None
    if workspace is None:
        texts = [_read(path, config) if text is _UNREAD else text for (path, config), text in zip(files, texts)]
        workspace = _index(files, names, texts, paths, data, listings)
    declared = text_digest(repr(sorted(map(repr, workspace.declared_handlers))))
    # Python: every Python file in scope and every config file (handler names of other files)
    python = text_digest(repr(sorted((p, s) for p, s in stamps.items() if p.endswith((".py", ".toml")))))
    # JavaScript: FileFacts do not yet carry every cross-file fact the analysis reads (classes and
    # routers of other modules, adapter versions in package and lock files): key on them all
    javascript = text_digest(repr(sorted((p, s) for p, s in stamps.items() if p.endswith(_JS_SCOPE))))
    out: list[Result] = []
    digests: list[str | None] = []  # per file; None: not readable
    for index, ((path, config), (text, error), name) in enumerate(zip(files, texts, names)):
        display = str(path)
        if results is not None:
            found, error, digest = results[index]
        else:
            digest = None if text is None else text_digest(text)
        digests.append(digest)
        if digest is None:
            out.append((display, [], error))
            continue
        cross = (facts_fingerprint(workspace.facts_for(name)), javascript) if is_js(name) else python
        file_key = text_digest(repr((display, config_fingerprint(config), cross, declared)))
        previous = data.files.get(name)
        if results is None:  # else analysed by the workers
            if previous is not None and previous.digest == digest and previous.key == file_key:
                found, error = previous.findings, previous.error
            else:
                report = analyse_source(display, text, config, workspace)
                found, error = report.findings, report.error
        if error is None or "internal error" not in error:  # a crash may be a passing one: try it again next time
            data.files[name] = FileResult(digest, file_key, found, error)
        out.append((display, found, error))
    _remember_index(workspace, files, names, digests, data, stamps)
    return out, stamps


_UNREAD = (None, None)


def _read(path: Path, config: Config) -> tuple[str | None, str | None]:
    try:
        return read_source(path, config.max_file_size).text, None
    except UnreadableFile as error:
        return None, str(error)


def _index(files, names: list[str], texts, paths: list[Path], data, listings: dict | None = None) -> Workspace:
    """The cross-file index, from the summaries of unchanged files and parsing the others."""
    workspace = Workspace(paths, keep_modules=True)
    workspace.read_existence_from(listings)
    reader = workspace.deployment_reader
    if reader is not None:
        reader.remember(data.deployment)
    workspace.load_declarations(listings)
    for (path, config), name, (text, _) in zip(files, names, texts):
        if text is None or not is_js(name):
            continue
        known = data.summaries.get(name)
        if known is not None and known[0] == text_digest(text) and known[1] == config_fingerprint(config):
            workspace.add_summaries([(name, known[2])])
        else:
            workspace.summarise_text(name, text)
    return workspace


def _remember_index(workspace: Workspace, files, names: list[str], digests: list[str | None], data,
                    stamps: dict[str, Stamp]) -> None:
    for (path, config), name, digest in zip(files, names, digests):
        if digest is not None and is_js(name) and name in workspace.summaries:
            data.summaries[name] = (digest, config_fingerprint(config), workspace.summaries[name])
    for name in list(workspace.summaries):  # modules imported from outside the checked folders
        if name not in stamps:
            stamps[name] = _stamp(name)
            stamps.setdefault(os.path.dirname(name), _stamp(os.path.dirname(name)))
    reader = workspace.deployment_reader
    if reader is not None:
        data.deployment = reader.remembered()
    for table in (data.files, data.summaries):  # files deleted since: forget them
        for name in [n for n in table if n not in stamps and not os.path.exists(n)]:
            del table[name]
