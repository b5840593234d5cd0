"""Python's cross-file facts in the workspace: project files' texts and astroid trees, folder
listings and module lookups, which files import a name, and the reverse-reach walks.

Held by a `Workspace` (or, for one analysis without a workspace, by a throwaway instance) and
kept current the way the JavaScript summaries are: `changed(path)` when the language server
sees a file change; within one `check` run nothing is read twice. Thread-safe: the language
server indexes and analyses on different threads.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import threading
from typing import Any, Callable, Iterable, Iterator

from lambda_leak.workspace import keys
from lambda_leak.files import SKIPPED_DIRECTORIES, read_bytes, skipped_folders
from lambda_leak.installed import installed_names

MAX_PROJECT_FILES = 3000
# An import statement, parenthesised continuation lines included; its words; a relative one.
# Matched after a "\n" in "\n" + text rather than at `^` with re.M: the same lines, but the
# regex engine jumps from newline to newline instead of trying every character.
IMPORT_STATEMENT = re.compile(r"\n([ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*))")
WORD = re.compile(r"\w+")
RELATIVE = re.compile(r"[ \t]*from[ \t]+\.")


def read_text(path: str) -> str | None:
    """A source file's text, or None when it is unreadable, binary or not UTF-8."""
    try:
        data = read_bytes(path)
        if b"\x00" in data[:8192]:
            return None
        return data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def lines_holding(text: str, word: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` that holds `word`, once per line, found by a search in
    C: where a pattern anchored at a line's start (`^`, which gives `re` no prefix to search for)
    need only be tried, instead of at every character."""
    position = 0
    while (at := text.find(word, position)) >= 0:
        start = text.rfind("\n", 0, at) + 1
        position = text.find("\n", at)
        position = len(text) if position < 0 else position
        yield start, position


def import_statements(text: str) -> list[str]:
    """`IMPORT_STATEMENT.findall("\n" + text)`, tried only at the lines holding "import": the
    same statements, several times faster on modules that import little."""
    lined = "\n" + text  # the "\n" before the line starting at text[i] is lined[i]
    found: list[str] = []
    done = 0
    for start, _ in lines_holding(text, "import"):
        if start < done:
            continue  # inside the statement found last (a parenthesised `from … import (…)`)
        statement = IMPORT_STATEMENT.match(lined, start)
        if statement is not None:
            found.append(statement.group(1))
            done = statement.end()
    return found


class PythonProject:
    def __init__(self, roots: Iterable[str | os.PathLike] = ()) -> None:
        self.folders = [os.fspath(r) for r in roots]  # the workspace folders (for `dependents`)
        self.lock = threading.RLock()
        self._workspace_files: list[str] | None = None
        self._texts: dict[str, str | None] = {}
        self._trees: dict[str, Any] = {}  # path -> astroid Module, or None when it does not parse
        self._is_file: dict[str, bool] = {}
        self._exists: dict[str, bool] = {}
        self._package_roots: dict[str, str] = {}
        self._roots: dict[str, tuple[str, ...]] = {}
        self._module_files: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._module_names: dict[str, str] = {}
        self._listings: dict[str, list[str]] = {}
        self._imports: dict[str, list[str]] = {}
        self._import_words: dict[str, frozenset[str]] = {}
        # What python.reverse derives from the above; dropped whenever any Python file changes (and
        # the walks and root answers when the deployment declares other handlers), which bumps
        # `generation`: an answer computed across a drop is not kept (`once`).
        self.generation = 0
        self.importer_index: dict[str, dict[str, list[str]]] = {}  # package root -> {word: files}
        self.walks: dict[str, dict[str, set[str]]] = {}  # importer -> {file: qualified names reached}
        self.may_hold_handler: dict[tuple, bool] = {}  # (file, name patterns, declared names) -> answer
        self.dead_ends: dict[str, bool] = {}  # file -> python.paths.dead_end's answer
        self.urlconfs: dict[str, bool] = {}  # file -> whether python.reverse takes it for a Django URLconf
        # package root, name patterns -> whether any of its files may hold a handler (python.reverse)
        self.root_holds_handler: dict[tuple[str, tuple[str, ...]], bool] = {}

    # -- keeping current -----------------------------------------------------------------------

    def changed(self, path: str) -> None:
        """`path` was created, changed or deleted: forget what depends on it. Folder facts are
        cheap to recompute and a new file can change any import's target: forget them all."""
        with self.lock:
            keys.forget_real_paths()  # a re-pointed symlink: `key` asks the file system again
            name = self.key(path)
            edited = self._texts.get(name) is not None and os.path.isfile(name)  # not created, not deleted
            self._texts.pop(name, None)
            self._trees.pop(name, None)
            self._import_words.pop(name, None)
            self._imports.pop(os.path.realpath(name), None)
            if not edited:
                self._imports.clear()  # an import elsewhere may now land on (or miss) this file
                self._workspace_files = None
            caches = (self._is_file, self._exists, self._package_roots, self._roots, self._module_files, self._module_names,
                      self._listings)
            for cache in caches:
                cache.clear()
            self.importer_index.clear()
            self.walks.clear()
            self.may_hold_handler.clear()
            self.dead_ends.clear()
            self.urlconfs.clear()
            self.root_holds_handler.clear()
            self.generation += 1

    def declarations_changed(self) -> None:
        """The deployment declares other handlers: forget what depended on the names it declares
        (a walk starts at a file's handlers, a package root may now hold one)."""
        with self.lock:
            self.walks.clear()
            self.root_holds_handler.clear()
            self.generation += 1

    def once(self, cache: dict, key: Any, compute: Callable[[], Any], since: int | None = None) -> Any:
        """`cache[key]`, made by `compute()` the first time it is asked, and kept unless what it was
        derived from was dropped meanwhile (`generation` moved on since `since`, or since this call):
        the language server analyses on one thread while another hears of changed files, and an
        answer about the old text must not stay."""
        found = cache.get(key)
        if found is None:
            generation = self.generation if since is None else since
            found = compute()
            with self.lock:
                if self.generation == generation:
                    cache[key] = found
        return found

    # -- files -----------------------------------------------------------------------------------

    def text(self, path: str) -> str | None:
        name = self.key(path)
        with self.lock:
            if name not in self._texts:
                self._texts[name] = read_text(name)
            return self._texts[name]

    def known_text(self, path: str, text: str) -> None:
        """`path`'s text as a reader of this run has it already, decoded as `read_text` decodes
        (a `check` worker reads each of its files once); kept like a text read here."""
        with self.lock:
            self._texts.setdefault(self.key(path), text)

    def holds_text(self, path: str, text: str) -> bool:
        """Whether `text` is the text this project keeps for `path` (read here or known; the same
        object in a `check` worker, where the comparison costs nothing)."""
        with self.lock:
            kept = self._texts.get(self.key(path))
        return kept is text or kept == text

    def tree(self, path: str, build) -> Any:
        """The astroid tree of a project file on disk, built once (`build(text, path)`)."""
        name = self.key(path)
        with self.lock:
            if name not in self._trees:
                text = self.text(name)
                tree = None
                if text is not None:
                    from astroid.exceptions import AstroidSyntaxError  # here: a check's parent never builds trees

                    try:
                        tree = build(text.replace("\r\n", "\n"), path)
                    except (AstroidSyntaxError, RecursionError, ValueError):
                        tree = None
                self._trees[name] = tree
            return self._trees[name]

    def key(self, path: str) -> str:
        """One name per file, the index's (`workspace.keys`)."""
        return keys.key(path)

    def is_file(self, path: str) -> bool:
        found = self._is_file.get(path)
        if found is None:
            found = self._is_file[path] = os.path.isfile(path)
        return found

    def exists(self, path: str) -> bool:
        found = self._exists.get(path)
        if found is None:
            found = self._exists[path] = os.path.exists(path)
        return found

    # -- modules ---------------------------------------------------------------------------------

    def package_root(self, path: str) -> str:
        """The folder absolute imports start from: above the outermost package holding `path`."""
        found = self._package_roots.get(path)
        if found is None:
            folder = os.path.dirname(keys.absolute(path))
            while self.is_file(os.path.join(folder, "__init__.py")) and os.path.dirname(folder) != folder:
                folder = os.path.dirname(folder)
            found = self._package_roots[path] = folder
        return found

    def module_name(self, path: str) -> str:
        """A dotted module name from the package folders around `path` (`pkg/mod.py` -> `pkg.mod`)."""
        found = self._module_names.get(path)
        if found is None:
            folder, name = os.path.split(keys.absolute(path))
            stem = os.path.splitext(name)[0]
            parts = [] if stem == "__init__" else [stem]
            while self.is_file(os.path.join(folder, "__init__.py")) and os.path.basename(folder):
                parts.insert(0, os.path.basename(folder))
                folder = os.path.dirname(folder)
            found = self._module_names[path] = ".".join(parts) or "__lambda_leak_buffer__"
        return found

    def roots(self, importer: str) -> tuple[str, ...]:
        found = self._roots.get(importer)
        if found is None:
            folder = os.path.dirname(keys.absolute(importer))
            found = self._roots[importer] = tuple(dict.fromkeys((self.package_root(importer), folder)))
        return found

    def module_file(self, dotted: str, roots: tuple[str, ...]) -> str | None:
        """The source file of a project module (`pkg.mod` -> `pkg/mod.py` or `pkg/mod/__init__.py`)."""
        question = (dotted, roots)
        found = self._module_files.get(question, False)
        if found is False:
            found = self._module_files[question] = self._module_file(dotted, roots)
        return found

    def _module_file(self, dotted: str, roots: tuple[str, ...]) -> str | None:
        parts = dotted.split(".")
        for root in roots:
            if not self.exists(os.path.join(root, parts[0])) and not self.is_file(os.path.join(root, parts[0] + ".py")):
                continue  # one cached look per top-level name: most imports are third-party
            base = os.path.join(root, *parts)
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if self.is_file(candidate):
                    return candidate
        return None

    def resolve_qualified(self, qualified_name: str, importer: str) -> tuple[str, list[str]] | None:
        """Split `pkg.mod.func` into the project file of its longest module prefix and the rest."""
        parts = qualified_name.removesuffix("()").split(".")
        if parts[0] in sys.stdlib_module_names:
            return None
        roots = self.roots(importer)
        for cut in range(len(parts) - 1, 0, -1):
            found = self.module_file(".".join(parts[:cut]), roots)
            if found:
                return found, parts[cut:]
        return None

    def project_files(self, path: str) -> list[str]:
        """Python files that could import `path`: its package root's files and packages below it."""
        root = self.package_root(path)
        with self.lock:
            found = self._listings.get(root)
            if found is not None:
                return found
            found = []
            for folder, directories, files in os.walk(root):
                installed = installed_names(folder, directories)  # `directories` holds links to folders too
                directories[:] = sorted(
                    d
                    for d in directories
                    if d not in SKIPPED_DIRECTORIES
                    and d not in installed  # pip's packages (`installed`): they import no project file
                    and not d.startswith(".")
                    and os.path.isfile(os.path.join(folder, d, "__init__.py"))
                )
                found.extend(os.path.join(folder, name) for name in sorted(files)
                             if name.endswith(".py") and name not in installed)
                if len(found) > MAX_PROJECT_FILES:
                    break
            self._listings[root] = found
            return found

    def workspace_files(self) -> list[str]:
        """Every Python file under the workspace folders (a file can import one outside its
        package root: `app.py` importing `lib/util.py`)."""
        with self.lock:
            if self._workspace_files is None:
                found = []
                for root in self.folders:
                    for folder, directories, files in os.walk(root):
                        skipped = skipped_folders(folder)
                        installed = installed_names(folder, directories)  # as in `project_files`
                        directories[:] = [d for d in directories
                                          if d not in skipped and d not in installed and not d.startswith(".")]
                        found.extend(os.path.join(folder, name) for name in files
                                     if name.endswith(".py") and name not in installed)
                self._workspace_files = found
            return self._workspace_files

    def import_words(self, path: str) -> frozenset[str]:
        """The words of `path`'s import statements, "." for a relative one (a cheap pre-check)."""
        name = self.key(path)
        found = self._import_words.get(name)
        if found is None:
            statements = import_statements(self.text(name) or "")
            words = {w for statement in statements for w in WORD.findall(statement)}
            if any(RELATIVE.match(statement) for statement in statements):
                words.add(".")
            found = self._import_words[name] = frozenset(words)
        return found

    def imports(self, path: str) -> list[str]:
        """The project files `path` imports (or may import: every candidate of `from a import b`)."""
        with self.lock:
            found = self._imports.get(path)
            if found is None:
                found = self._imports[path] = self._read_imports(path)
            return found

    def _read_imports(self, path: str) -> list[str]:
        text = self.text(path)
        if not text:
            return []
        try:
            tree = ast.parse(text, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
        roots = self.roots(path)
        found: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    package = self.module_name(path).split(".")
                    keep = len(package) - node.level + (1 if os.path.basename(path) == "__init__.py" else 0)
                    if keep < 0:
                        continue
                    base = ".".join(package[:keep] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                names = [f"{base}.{alias.name}" if base else alias.name for alias in node.names] + [base]
            else:
                continue
            for name in filter(None, names):
                file = self.module_file(name, roots)
                if file is not None:
                    found.append(os.path.realpath(file))
        return sorted(set(found))

    def dependents(self, path: str) -> set[str]:
        """Files whose findings may change when `path` changes: the project files importing it
        (transitively), and the files those and it import (their handler paths run there)."""
        own = os.path.realpath(path)
        files = {os.path.realpath(f) for f in self.project_files(path) + self.workspace_files()}
        if os.path.isfile(own):
            files.add(own)
        found: set[str] = set()
        queue = [own]
        while queue:
            target = queue.pop()
            # Only a file naming the module (or importing relatively, for a package) can import it:
            # most files are not parsed at all.
            stem = self.module_name(target).rsplit(".", 1)[-1]
            package = os.path.basename(target) == "__init__.py"
            for file in files - found - {own}:
                words = self.import_words(file)
                if (stem in words or (package and "." in words)) and target in self.imports(file):
                    found.add(file)
                    queue.append(file)
        reached = {own, *found}
        queue = list(reached)
        while queue:
            for target in self.imports(queue.pop()):
                if target not in reached:
                    reached.add(target)
                    queue.append(target)
        reached.discard(own)
        return reached
