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
import sys
import threading
from collections import OrderedDict
from functools import lru_cache

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
# Between the first decorator and the `def`: more decorators, a decorator's arguments over several
# lines (as Black wraps them: indented lines, then the closing bracket), comments and blank lines;
# each kind of line told apart by its first character, so a failed match never backtracks.
_DECORATED_TWO_PARAM_DEF = re.compile(
    r"\n@[^\n]*\n(?:[ \t][^\n]*\n|[@#)\]}][^\n]*\n|\n)*+(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([^)]*,"
)
# One pass over the lines: a module-level `def` (its name), assignment (its name) or decorator
# (then `_DECORATED_TWO_PARAM_DEF` from there); no line can start two of them.
_TOP_LEVEL = re.compile(
    r"\n(?:(?:async[ \t]+)?def[ \t]+(\w+)|(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*[\w(]|@)"
)


def may_hold_handler(text: str, names: tuple[str, ...], declared: set[str]) -> bool:
    """Whether a module-level line of `text` looks like a handler (a superset of `discover`)."""
    return _text_holds(text, names, declared) is not None


def holds_handler_candidate(text: str, names: tuple[str, ...], declared: set[str]) -> bool:
    """`may_hold_handler`, where the text alone is vague (a decorated function taking two
    parameters, a function named like a handler whose parameters the text does not show
    plainly) decided on `ast`'s tree instead: a superset of what `handlers.discover` finds in
    astroid's, for a tenth of its build. Vendored libraries are full of `@typing.overload`,
    `@lru_cache(...)` and `def main():` at module level."""
    found = _text_holds(text, names, declared)
    if found is not _VAGUE:
        return found is _SURE
    question = (text, names, frozenset(declared))
    with _LOCK:
        answer = _HOLDS.get(question)
    if answer is None:
        try:  # as astroid parses (`builder._parse_string`): a text it cannot parse is not decided here
            answer = _tree_holds(ast.parse(text + "\n", type_comments=True), names, declared)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            answer = True
        with _LOCK:
            _HOLDS[question] = answer
            while len(_HOLDS) > _HOLDS_LIMIT:
                _HOLDS.popitem(last=False)
    return answer


# The last answers of the tree: a file's own analysis and a reverse walk ask about the same text.
_HOLDS: OrderedDict[tuple, bool] = OrderedDict()
_HOLDS_LIMIT = 64


_SURE, _VAGUE, _NO_EVENT = "sure", "vague", "no event"
# `(event, context)`: two plain parameters, as nearly every handler spells them; `()`: none.
_TWO_PLAIN_PARAMETERS = re.compile(r"[ \t]*\([ \t]*\w+[ \t]*,[ \t]*\w+[ \t]*\)[ \t]*:")
_NO_PARAMETERS = re.compile(r"[ \t]*\([ \t]*\)")


def _text_holds(text: str, names: tuple[str, ...], declared: set[str]) -> str | None:
    """`_SURE` when a line may be a handler as it stands, `_VAGUE` when only lines that need the
    tree to tell may be, `_NO_EVENT` when only functions taking no parameter are named like
    handlers, None when no line is like a handler's."""
    from lambda_leak.python.handlers import name_matches, named_by_pattern

    words = _name_words(names)
    if (
        words is not None
        and not _decorator_at_line_start(text)
        and not any(piece in text for piece in words[0])
        and not any(_holds_word(text, word) for word in words[1])
        and not any(name in text for name in declared)
    ):
        return None  # no decorator at a line's start, and no name that could match: substring searches, in C
    by_pattern = named_by_pattern(names, declared)
    lines = "\n" + text
    found = None
    for match in _TOP_LEVEL.finditer(lines):
        name = match.group(1) or match.group(2)
        if name is None:
            if _DECORATED_TWO_PARAM_DEF.match(lines, match.start()):
                found = _VAGUE
        elif name in declared:
            return _SURE
        elif name_matches(name, names):
            if match.group(2) is not None or (
                by_pattern and not name.startswith("test_") and _TWO_PLAIN_PARAMETERS.match(lines, match.end())
            ):
                return _SURE
            if not _NO_PARAMETERS.match(lines, match.end()):
                found = _VAGUE
            elif found is None:
                found = _NO_EVENT  # `def main():` takes no event
    return found


def _decorator_at_line_start(text: str) -> bool:
    """Whether an `@` starts a line: found by `@` (rare, so the search in C skips far), not "\\n@"."""
    at = text.find("@")
    while at > 0 and text[at - 1] != "\n":
        at = text.find("@", at + 1)
    return at >= 0


@lru_cache(maxsize=16)
def _name_words(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """What every name a handler-name glob matches holds: a piece of it (`*_handler`: `_handler`),
    or, for a glob without `*`, the whole word (`main`, not `domain`); None when a glob has
    nothing this can tell (`?`, `[...]`, a bare `*`)."""
    pieces, words = [], []
    for pattern in names:
        longest = max(pattern.split("*"), key=len)
        if not longest or "?" in pattern or "[" in pattern:
            return None
        (words if longest == pattern else pieces).append(longest)
    # one found wherever another it holds is: `_handler` covers `lambda_handler`
    pieces = [p for p in dict.fromkeys(pieces) if not any(o != p and o in p for o in pieces)]
    words = [w for w in dict.fromkeys(words) if not any(p in w for p in pieces)]
    return tuple(pieces), tuple(words)


def _holds_word(text: str, word: str) -> bool:
    """Whether `word` is in `text` as a whole word (as `\\w+` would take it)."""
    end = len(text)
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        before_ok = at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")
        if before_ok and (after == end or not (text[after].isalnum() or text[after] == "_")):
            return True
        at = text.find(word, at + 1)
    return False


def _tree_holds(tree: ast.Module, names: tuple[str, ...], declared: set[str]) -> bool:
    """Whether `handlers.discover` may find a handler in this module: its conditions, each
    widened where it needs astroid (the context's annotation, what a decorator resolves to)."""
    from lambda_leak.python.handlers import name_matches, named_by_pattern

    by_pattern = named_by_pattern(names, declared)
    bindings = None
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name in declared:
                return True
            positional = len(statement.args.posonlyargs) + len(statement.args.args)
            if not (positional == 2 or (positional == 3 and statement.decorator_list)):
                continue  # `takes_event_context` says no
            if by_pattern and name_matches(statement.name, names) and not statement.name.startswith("test_"):
                return True
            if statement.decorator_list:
                bindings = bindings if bindings is not None else _module_bindings(tree)
                if any(_may_be_lambda_decorator(d, bindings) for d in statement.decorator_list):
                    return True
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(
                isinstance(t, ast.Name) and (t.id in declared or (by_pattern and name_matches(t.id, names)))
                for t in targets
            ):
                return True
    return False


# The first name of a qualified decorator `handlers.is_lambda_decorator` knows, when nothing binds it.
_DECORATOR_PACKAGES = ("aws_lambda_powertools", "datadog_lambda", "lumigo_tracer", "epsagon")


def _may_be_lambda_decorator(decorator: ast.expr, bindings: dict[str, list]) -> bool:
    """Whether `handlers.is_lambda_decorator` may say yes: unless the decorator's first name is
    unbound, or bound only by imports of the standard library (`typing.overload`, `lru_cache`,
    `contextlib.contextmanager`: no qualified name of those is a Lambda decorator's, and
    `project.resolve_qualified` resolves none of them to a project module)."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    while isinstance(target, ast.Attribute):
        target = target.value
    if not isinstance(target, ast.Name) or None in bindings:
        return True  # `@Service().route`, `@registry[key]`; or a `from m import *` somewhere
    found = bindings.get(target.id)
    if not found:
        return target.id in _DECORATOR_PACKAGES
    return not all(module is not False and module.split(".")[0] in sys.stdlib_module_names for module in found)


def _module_bindings(tree: ast.Module) -> dict:
    """name -> what binds it anywhere in the module: the module an import takes it from, or
    False for anything else (an assignment, a definition, a relative import; in any scope: a
    superset of the module's own). Key None: a `*` import."""
    bound: dict = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                bound.setdefault(node.id, []).append(False)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.setdefault(node.name, []).append(False)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound.setdefault(alias.asname or alias.name.split(".")[0], []).append(alias.name)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    bound[None] = [False]
                else:
                    module = node.module if node.module and not node.level else False
                    bound.setdefault(alias.asname or alias.name, []).append(module)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bound.setdefault(name, []).append(False)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bound.setdefault(node.name, []).append(False)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.setdefault(node.rest, []).append(False)
        elif isinstance(node, ast.arg):
            bound.setdefault(node.arg, []).append(False)
    return bound
