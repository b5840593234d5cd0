"""Parsing Python with astroid, safely and with reuse.

Analysed code is never imported or executed: astroid builds trees from source text, may not
load C extensions, and never reads another module on its own (no wildcard-import loading, no
inference while building; the analysis never asks astroid to infer). Only astroid's public
API is used. Project modules are read by `paths`/`reverse` through `parse_file`, built once
in the workspace's `PythonProject`. Trees of editor buffers never enter astroid's module
cache, so nothing can see a stale buffer.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict

import astroid
from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.exceptions import AstroidSyntaxError

from lambda_leak.python import project, pruning

MANAGER = astroid.MANAGER


def harden_manager() -> None:
    """Forbid astroid to load compiled extensions (the only way it would import real code)."""
    MANAGER.always_load_extensions = False
    MANAGER.extension_package_whitelist.clear()
    MANAGER.optimize_ast = False


harden_manager()

_LOCK = threading.RLock()
_BUFFERS: OrderedDict[tuple[str, str], nodes.Module] = OrderedDict()  # (path, text) -> tree, small LRU
_BUFFER_LIMIT = 16


class _Builder(AstroidBuilder):
    """astroid's builder, without brain transforms (they cost as much as the rebuild itself,
    and the rules need names and structure, not astroid's models of third-party libraries),
    and reading no other module while it builds (see the two methods below)."""

    def __init__(self) -> None:
        super().__init__(MANAGER, apply_transforms=False)

    def add_from_names_to_locals(self, node: nodes.ImportFrom, global_name) -> None:
        """As astroid does, except `from x import *`: astroid would load module x to list its
        names; we leave them unbound rather than read other modules while building."""
        if any(name == "*" for name, _ in node.names):
            return
        super().add_from_names_to_locals(node, global_name)

    def delayed_assattr(self, node: nodes.AssignAttr) -> None:
        """`self.x = value` in a method records `x` on its class. astroid infers `self` for
        this, which infers the class's bases and so imports their modules (seconds for a class
        deriving from the standard library or a large package); the first parameter of a
        method is `self` by construction, so no inference is needed."""
        frame = node.frame()
        if not (
            isinstance(node.expr, nodes.Name)
            and isinstance(frame, nodes.FunctionDef)
            and isinstance(frame.parent, nodes.ClassDef)
            and frame.args.args
            and frame.args.args[0].name == node.expr.name
            and not _decorated_static_or_class(frame)
        ):
            return
        attributes = frame.parent.instance_attrs.setdefault(node.attrname, [])
        if node not in attributes:
            attributes.append(node)


def _decorated_static_or_class(function: nodes.FunctionDef) -> bool:
    names = {getattr(d, "name", None) for d in function.decorators.nodes} if function.decorators else set()
    return bool(names & {"staticmethod", "classmethod"})


def _build(text: str, path: str, prune: bool = False) -> nodes.Module:
    harden_manager()
    name = project.module_name_for(path)
    previous = MANAGER.astroid_cache.get(name)
    try:
        if prune and pruning.worth_pruning(text):
            pruned, hollow = pruning.prune(text, path)
            if pruned != text:
                try:
                    tree = _Builder().string_build(pruned, name, path)
                except AstroidSyntaxError:
                    tree = None  # decided from the text alone, on text that does not parse: unpruned
                if tree is not None and _hollowed(tree, hollow):
                    return tree
        return _Builder().string_build(text, name, path)
    finally:
        # string_build caches the module under its name; undo that so imports resolved by
        # astroid elsewhere never see this (possibly unsaved, possibly stale) text.
        if previous is None:
            MANAGER.astroid_cache.pop(name, None)
        else:
            MANAGER.astroid_cache[name] = previous


def _hollowed(tree: nodes.Module, positions: list[tuple[int, int]]) -> bool:
    """Whether each (line, column) is the `pass` that is the whole body of a module-level
    function or method, as text-only pruning meant: otherwise its guess was wrong."""
    if not positions:
        return True
    found = set()
    for statement in tree.body:
        for node in statement.body if isinstance(statement, nodes.ClassDef) else [statement]:
            if (
                type(node) is nodes.FunctionDef
                and len(node.body) == 1
                and isinstance(node.body[0], nodes.Pass)
            ):
                found.add((node.body[0].lineno, node.body[0].col_offset))
    return all(p in found for p in positions)


def parse_buffer(text: str, path: str) -> nodes.Module:
    """The tree of an editor buffer or CLI file, with bodies that cannot matter pruned (see
    `pruning`); raises AstroidSyntaxError on bad syntax."""
    with _LOCK:  # the language server analyses off its event loop; astroid's cache is global
        return _parse_buffer(text, path)


def _parse_buffer(text: str, path: str) -> nodes.Module:
    if "\r" not in text and project.current().text(path) == text:
        tree = parse_file(path)  # the file as it is on disk: the run's one tree of it
        if tree is not None:
            return tree
    key = (path, text)
    tree = _BUFFERS.get(key)
    if tree is not None:
        _BUFFERS.move_to_end(key)
        return tree
    tree = _build(text, path, prune=True)
    _BUFFERS[key] = tree
    while len(_BUFFERS) > _BUFFER_LIMIT:
        _BUFFERS.popitem(last=False)
    return tree


def parse_file(path: str) -> nodes.Module | None:
    """The tree of a project file on disk (pruned like a buffer's), built once in the running
    analysis's project; None when it cannot be read or parsed."""
    return project.current().tree(path, _build_locked)


def _build_locked(text: str, path: str) -> nodes.Module:
    with _LOCK:
        return _build(text, path, prune=True)


def syntax_ok(text: str, language: str = "python") -> bool:
    """Whether `text` is valid Python (used to reject fixes); compiles only, never executes."""
    try:
        compile(text, "<lambda-leak>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# A file that cannot hold a handler is skipped before any parsing: a handler is a function
# with a handler name or a decorator, or a module-level assignment such as `handler = Mangum(app)`.
# Only module-level statements count (column 0): `handlers.discover` looks nowhere else. The
# patterns start with "\n" and run on "\n" + text: the same lines as `^` with re.M, but the regex
# engine then jumps from newline to newline instead of trying every character (several times faster).
_DECORATED_TWO_PARAM_DEF = re.compile(
    r"\n@[^\n]*\n(?:[ \t]*@[^\n]*\n)*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([^)]*,"
)
# One pass over the lines: a module-level `def` (its name), assignment (its name) or decorator
# (then `_DECORATED_TWO_PARAM_DEF` from there); no line can start two of them.
_TOP_LEVEL = re.compile(
    r"\n(?:(?:async[ \t]+)?def[ \t]+(\w+)|(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*\w|@)"
)


def may_hold_handler(text: str, names: tuple[str, ...], declared: set[str]) -> bool:
    from lambda_leak.python.handlers import name_matches

    lines = "\n" + text
    for match in _TOP_LEVEL.finditer(lines):
        name = match.group(1) or match.group(2)
        if name is None:
            if _DECORATED_TWO_PARAM_DEF.match(lines, match.start()):
                return True
        elif name_matches(name, names) or name in declared:
            return True
    return False
