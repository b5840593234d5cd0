"""Which functions of a file are on a handler path that starts in another project file
(`app.py`'s handler calls `utils.send`, so `send` is analysed when `utils.py` is).

The walks, the index of importers and the answers below are kept in the workspace's
`PythonProject`, which drops them when a Python file changes (the walks and the package roots'
answers also when the deployment declares other handlers)."""

from __future__ import annotations

import re

from lambda_leak.python import parsing, project
from lambda_leak.python.frameworks import ADAPTER_PACKAGES
from lambda_leak.python.handlers import discover
from lambda_leak.python.paths import reach
from lambda_leak.workspace.hooks import AnalysisHooks


def _walk(importer: str, patterns: tuple[str, ...], declared: set[str]) -> dict[str, set[str]]:
    facts = project.current()

    def walk() -> dict[str, set[str]]:
        reached: dict[str, set[str]] = {}
        tree = parsing.parse_file(importer)
        if tree is not None:
            roots = [f for h in discover(tree, patterns, declared) for f in h.roots]
            for function in reach(roots):
                file = function.root().file
                if file:
                    reached.setdefault(facts.key(file), set()).add(function.qname())
        return reached

    return facts.once(facts.walks, importer, walk)


def _importers(path: str, stem: str) -> list[str]:
    """Project files with `stem` in an import statement, from an index built once per package
    root (so analysing every helper of a large project does not re-read the project each time)."""
    facts = project.current()

    def index() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for file in facts.project_files(path):
            for word in facts.import_words(file):
                found.setdefault(word, []).append(file)
        return found

    return facts.once(facts.importer_index, facts.package_root(path), index).get(stem, [])


# A module handing an app to a WSGI adapter; a Django URLconf.
_WSGI_ADAPTER = re.compile(r"\b(?:%s)\b" % "|".join(p for p in ADAPTER_PACKAGES if "wsgi" in p))
_URLCONF = re.compile(r"^urlpatterns\b", re.M)


def _urlconf(file: str) -> bool:
    """Whether `file` is a Django URLconf; once per file (a module is among the importers of many)."""
    facts = project.current()
    found = facts.urlconfs.get(file)
    if found is None:
        text = facts.text(file) or ""
        found = facts.urlconfs[file] = "urlpatterns" in text and _URLCONF.search(text) is not None  # the substring first
    return found


def _django_entries(path: str, importers: list[str]) -> list[str]:
    """Files handing an app to a WSGI adapter, when `path` is a Django URLconf or a module one
    imports: Django reaches views through `ROOT_URLCONF` and `include("app.urls")`, not imports."""
    facts = project.current()
    if not any(_urlconf(f) for f in [path, *importers]):
        return []
    return [f for f in facts.project_files(path) if _WSGI_ADAPTER.search(facts.text(f) or "")]


def holds_handler(path: str, text: str, patterns: tuple[str, ...], declared: set[str]) -> bool:
    """`parsing.holds_handler_candidate`, once per project file and run: a file's own analysis and
    the reverse walks of the files it imports ask about the same text (half the questions on a
    real samples repository). Kept only when `text` is the project's text of `path`: an editor
    buffer that is not saved is asked afresh."""
    facts = project.current()

    def ask() -> bool:
        return parsing.holds_handler_candidate(text, patterns, declared)

    since = facts.generation  # before the text is compared: a save right after it drops the answer
    if not facts.holds_text(path, text):
        return ask()
    return facts.once(facts.may_hold_handler, (facts.key(path), patterns, frozenset(declared)), ask, since)


def _root_holds_handler(path: str, patterns: tuple[str, ...], workspace: AnalysisHooks) -> bool:
    """Whether any file that could import `path` (its package root's, `project_files`) may hold a
    handler: a reverse walk starts only in such a file. Asked once per package root and run (each
    file's answer is kept for its own analysis too): the modules of a vendored library, which hold
    none, are then answered without the root's importer index (every file's import statements)."""
    facts = project.current()

    def any_holds() -> bool:
        return any(holds_handler(other, text, patterns, set(workspace.declared_handler_names(other)))
                   for other in facts.project_files(path) if (text := facts.text(other)))

    return facts.once(facts.root_holds_handler, (facts.package_root(path), patterns), any_holds)


def reached_from_elsewhere(path: str, patterns: tuple[str, ...], workspace: AnalysisHooks) -> set[str]:
    """Qualified names (`pkg.mod.func`) of functions in `path` that another file's handler reaches."""
    facts = project.current()
    if not _root_holds_handler(path, patterns, workspace):
        return set()
    own = facts.key(path)
    stem = facts.module_name(path).rsplit(".", 1)[-1]
    found: set[str] = set()
    importers = _importers(path, stem)
    for other in dict.fromkeys(importers + _django_entries(path, importers)):
        if facts.key(other) == own:
            continue
        text = facts.text(other)
        if not text:
            continue
        declared = set(workspace.declared_handler_names(other))
        if not holds_handler(other, text, patterns, declared):
            continue
        found |= _walk(other, patterns, declared).get(own, set())
    return found
