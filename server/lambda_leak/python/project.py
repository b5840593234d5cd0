"""The project around the Python file being analysed: where its imports live, which files
import it. The facts live in the workspace (`workspace.python.PythonProject`); an analysis
names the project it runs in with `using`, and the helpers below ask it.

Only source files inside the project are read (parsed by astroid from text, never imported);
`import boto3` and the standard library are left alone.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from lambda_leak.workspace.python import PythonProject

_CURRENT: ContextVar[PythonProject | None] = ContextVar("lambda_leak_python_project", default=None)


@contextmanager
def using(project: PythonProject) -> Iterator[PythonProject]:
    """Run an analysis (on this thread) inside `project`."""
    token = _CURRENT.set(project)
    try:
        yield project
    finally:
        _CURRENT.reset(token)


def current() -> PythonProject:
    """The project of the running analysis; outside one, a fresh project (nothing reused)."""
    return _CURRENT.get() or PythonProject()


def resolve_qualified(qualified_name: str, importer: str) -> tuple[str, list[str]] | None:
    """Split `pkg.mod.func` into the project file of its longest module prefix and the rest."""
    return current().resolve_qualified(qualified_name, importer)


def module_name_for(path: str) -> str:
    return current().module_name(path)
