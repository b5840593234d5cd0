"""What an analyser may ask about the files around the one it analyses.

A `Workspace` (the CLI's run, the language server's index), a `FileFacts` (a worker process
of a parallel run) and a `Standalone` (one file on its own: stdin, a test) all answer it, so
the analysers call these methods directly, whatever they run under.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from lambda_leak.workspace.python import PythonProject

if TYPE_CHECKING:
    from lambda_leak.javascript.module import JsModule
    from lambda_leak.workspace.entries import Entry


class AnalysisHooks(Protocol):
    def declared_handler_names(self, path: str) -> frozenset[str]:
        """Handler names the deployment (SAM, serverless, CDK) gives for `path`."""
        ...

    def external_entries(self, path: str) -> dict[Entry, bool]:
        """JavaScript: entries of `path` that handlers in other files call -> that handler does not wait."""
        ...

    def imported_is_async(self, path: str, specifier: str, imported: str, member: str | None) -> bool:
        """JavaScript: whether an import of `path` names a promise-returning function."""
        ...

    def take_module(self, path: str, data: bytes) -> JsModule | None:
        """JavaScript: the module already parsed from exactly `data`, if any (once)."""
        ...

    def declared_runtimes(self, path: str) -> dict[str, str]:
        """Export name of `path` -> the Lambda runtime its deployment declares."""
        ...

    def imported_returned_arity(self, path: str, specifier: str, imported: str, member: str | None) -> int | None:
        """JavaScript: for a project wrapper imported by `path`, the declared length of the function it returns."""
        ...

    def awaited_elsewhere(self, path: str, callee: str) -> str | None:
        """JavaScript: where another file of the project awaits the package callee `callee` ("src/x.ts:42")."""
        ...

    def serverless_app(self) -> bool:
        """JavaScript: does some file of the project serve a web framework app through a Lambda adapter?"""
        ...

    def python_project(self) -> PythonProject:
        """Python: the project facts (files, trees, imports, reverse reach) shared across files."""
        ...


class Standalone:
    """One file analysed on its own: no deployment, no index; Python still follows the file's
    project imports on disk, in a project that lives as long as this object."""

    def __init__(self) -> None:
        self._python: PythonProject | None = None

    def declared_handler_names(self, path: str) -> frozenset[str]:
        return frozenset()

    def external_entries(self, path: str) -> dict:
        return {}

    def imported_is_async(self, path: str, specifier: str, imported: str, member: str | None) -> bool:
        return False

    def take_module(self, path: str, data: bytes) -> None:
        return None

    def declared_runtimes(self, path: str) -> dict[str, str]:
        return {}

    def imported_returned_arity(self, path: str, specifier: str, imported: str, member: str | None) -> None:
        return None

    def awaited_elsewhere(self, path: str, callee: str) -> None:
        return None

    def serverless_app(self) -> bool:
        return False

    def python_project(self) -> PythonProject:
        if self._python is None:
            self._python = PythonProject()
        return self._python
