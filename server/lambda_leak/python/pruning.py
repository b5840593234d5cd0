"""Skipping what cannot matter, before astroid sees it (astroid's tree rebuild costs several
`ast.parse`es).

A rule can only fire where a leak API appears: `Thread`, `Timer`, `Process`, `submit`,
`map`, `create_task`, `ensure_future`, `async`/`await`, or a call into an `async def` defined
in the module or imported from the project. So:

- a file mentioning none of them, and importing nothing from the project, is not parsed;
- in a parsed file, a function whose text mentions none of them and that refers to no
  function, class or method of the module and nothing imported from the project is neither
  a leak site nor a link on a handler path: its body is replaced by `pass` (signature,
  decorators and positions stay) before astroid rebuilds the tree.
"""

from __future__ import annotations

import ast
import re

from lambda_leak.python import project

# Substrings, not words: `asyncio` counts as `async` (a superset is safe, and `in` is fast).
TRIGGERS = ("Thread", "Timer", "Process", "submit", ".map", "create_task", "ensure_future", "async", "await")
_WORD = re.compile(r"\w+")
_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w.]+))", re.M)


def imports_project_module(text: str, path: str) -> bool:
    for match in _IMPORT_LINE.finditer(text):
        relative, absolute = match.groups()
        name = relative if relative is not None else absolute
        if name.startswith(".") or (name and project.resolve_qualified(name + ".x", path)):
            return True
    return False


def mentions_trigger(text: str) -> bool:
    return any(trigger in text for trigger in TRIGGERS)


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


def _hollow(function: ast.FunctionDef) -> None:
    first = function.body[0]
    function.body = [ast.copy_location(ast.Pass(), first)]


def prune(tree: ast.Module, text: str, path: str) -> None:
    lines = text.split("\n")
    links = _links(tree, path)
    for statement in tree.body:
        candidates = [statement]
        if isinstance(statement, ast.ClassDef):
            candidates = statement.body
        for node in candidates:
            if isinstance(node, ast.FunctionDef) and _prunable(node, lines, links):
                _hollow(node)
