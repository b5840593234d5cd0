"""Skipping what cannot matter, before astroid sees it (astroid's tree rebuild costs several
`ast.parse`es).

A rule can only fire where a leak API appears: `Thread`, `Timer`, `Process`, `submit`,
`map`, `create_task`, `ensure_future`, `async`/`await`, or a call into an `async def` defined
in the module or imported from the project. So:

- a file mentioning none of them, and importing nothing from the project, is not parsed;
- in a parsed file, a function whose text mentions none of them and that refers to no
  function, class or method of the module and nothing imported from the project is neither
  a leak site nor a link on a handler path: its body is replaced by `pass` and blanks in the
  text astroid builds from (signature, decorators and every position stay).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from lambda_leak.python import project

# Substrings, not words: `asyncio` counts as `async` (a superset is safe, and `in` is fast).
TRIGGERS = ("Thread", "Timer", "Process", "submit", ".map", "create_task", "ensure_future", "async", "await")
# Constructors of async clients (`self.http = httpx.AsyncClient()` in `__init__`), whose calls
# `async_apis` knows return coroutines: a body making one is kept.
TRIGGERS += ("Async", "ClientSession", "aioboto", "create_metrics_logger")
# Adapters that run a web app's routes inside the handler (`awsgi.response(app, event, context)`).
TRIGGERS += ("Mangum", "wsgi")
_WORD = re.compile(r"\w+")
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w.]+))", re.M)


def imports_project_module(text: str, path: str) -> bool:
    for match in _IMPORT_LINE.finditer(text):
        relative, absolute = match.groups()
        name = relative if relative is not None else absolute
        if name.startswith(".") or (name and project.resolve_qualified(name + ".x", path)):
            return True
    return False


_TRIGGER = re.compile("|".join(re.escape(t) for t in TRIGGERS))


def mentions_trigger(text: str) -> bool:
    return _TRIGGER.search(text) is not None


def might_fire(text: str, path: str) -> bool:
    return mentions_trigger(text) or imports_project_module(text, path)


def _links(tree: ast.Module, path: str) -> set[str]:
    """Names through which a handler path can continue: the module's functions, classes and
    methods, and names imported from project modules."""
    links: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            links.add(statement.name)
        elif isinstance(statement, ast.ClassDef):
            links.add(statement.name)
            links.update(
                s.name for s in statement.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            module = statement.module or "" if isinstance(statement, ast.ImportFrom) else ""
            for alias in statement.names:
                dotted = f"{module}.{alias.name}" if isinstance(statement, ast.ImportFrom) else alias.name
                if (isinstance(statement, ast.ImportFrom) and statement.level) or project.resolve_qualified(
                    dotted + ".x", path
                ):
                    links.add((alias.asname or alias.name).split(".")[0])
    return links | _bound_to_links(tree, links)


def _bound_to_links(tree: ast.Module, links: set[str]) -> set[str]:
    """Module-level names bound to an expression using a link (`SERVICE = OrderService()`,
    `client = helpers.make_client()`): a body using them continues the handler path."""
    assignments = []
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names:
                used = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
                assignments.append((names, used))
    bound: set[str] = set()
    grew = True
    while grew:  # `a = Service(); b = a.child`: until nothing more is bound
        grew = False
        for names, used in assignments:
            if not names <= bound and used & (links | bound):
                bound |= names
                grew = True
    return bound


def _prunable(function: ast.AST, lines: list[str], links: set[str]) -> bool:
    if isinstance(function, ast.AsyncFunctionDef):
        return False
    text = "\n".join(lines[function.lineno - 1 : function.end_lineno])
    if mentions_trigger(text):
        return False
    # Words of the text, not names of the tree: a name in a comment keeps a body it need not
    # keep, never the reverse. The def line is skipped (it names the function itself).
    return not (set(_WORD.findall(text, len(lines[function.lineno - 1]))) & links)


def _char_column(line: str, byte_column: int) -> int:
    return len(line.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))


def _body_span(function: ast.FunctionDef, lines: list[str]) -> tuple[int, int, int, int] | None:
    """(first line, its column, last line, its end column) of the body, 0-based, in characters;
    None when the body cannot be blanked out cleanly (code after it on its last line)."""
    first, last = function.body[0], function.body[-1]
    if last.end_lineno is None or last.end_col_offset is None:
        return None
    start_line, end_line = first.lineno - 1, last.end_lineno - 1
    end_column = _char_column(lines[end_line], last.end_col_offset)
    rest = lines[end_line][end_column:].strip()
    if rest and not rest.startswith("#") and not (rest.startswith(";") and start_line == end_line):
        return None
    return start_line, _char_column(lines[start_line], first.col_offset), end_line, end_column


# A `def` or `class` line, for the estimate below.
_DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)[^\n]*", re.M)


@lru_cache(maxsize=32)
def _block_end(indent: int) -> re.Pattern:
    """A line of code indented no deeper than a `def` at `indent`: its body has ended."""
    return re.compile(r"\n[ \t]{0,%d}(?=[^\s#])" % indent)


def worth_pruning(text: str) -> bool:
    """Whether pruning is likely to pay for its own `ast.parse` (astroid parses again): a
    cheap estimate, on the text, of the share of it in bodies that mention no trigger and no
    other definition of the module. Pruning or not never changes what is found."""
    pieces = list(_DEFINITION.finditer(text))
    if len(pieces) < 2:
        return False
    names = {m.group(1) for m in pieces}
    hollow = 0
    for current, following in zip(pieces, pieces[1:] + [None]):
        body = text[current.end() : following.start() if following else len(text)]
        indent = len(current.group(0)) - len(current.group(0).lstrip())
        end = _block_end(indent).search(body)  # code after the body (module level, the next method)
        body = body[: end.start()] if end else body
        if not mentions_trigger(body) and not (set(_WORD.findall(body)) & names):
            hollow += len(body)
    return hollow > 0.3 * len(text)


def prune_text(text: str, path: str) -> str:
    """`text` with the bodies that cannot matter replaced by `pass` and blanks: every other
    line and column stays where it was. Unparsable text is returned as it is."""
    try:
        tree = ast.parse(text + "\n", filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text
    lines = text.split("\n")
    links = _links(tree, path)
    spans = []
    for statement in tree.body:
        for node in statement.body if isinstance(statement, ast.ClassDef) else [statement]:
            if isinstance(node, ast.FunctionDef) and _prunable(node, lines, links):
                span = _body_span(node, lines)
                if span is not None:
                    spans.append(span)
    for start_line, start_column, end_line, end_column in spans:
        for number in range(start_line, end_line + 1):
            line = lines[number]
            begin = start_column if number == start_line else 0
            end = end_column if number == end_line else len(line.rstrip("\r"))
            filler = "pass" if number == start_line else ""
            lines[number] = line[:begin] + filler + " " * max(0, end - begin - len(filler)) + line[end:]
    return "\n".join(lines)
