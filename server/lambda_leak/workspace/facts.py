"""What the analysis of one file needs from the index, answered ahead of time.

Worker processes of a parallel `check` receive a `FileFacts` instead of the whole index: it
speaks the same hooks (`hooks.AnalysisHooks`) the analyser calls on a `Workspace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lambda_leak.workspace.entries import Entry, Ref
from lambda_leak.workspace.python import PythonProject


@dataclass
class FileFacts:
    declared: frozenset[str]
    external: dict[Entry, bool]
    async_refs: dict[Ref, bool]
    awaited: dict[str, str] = field(default_factory=dict)  # package callee key -> where another file awaits it
    serves_lambda: bool = False  # some file of the project serves a framework app through a Lambda adapter
    module: object = field(default=None, repr=False, compare=False)  # the worker's parsed module, if any
    runtimes: dict[str, str] = field(default_factory=dict)  # export name -> declared runtime
    returned_arities: dict[Ref, int] = field(default_factory=dict)  # imported wrapper -> its returned length

    def imported_returned_arity(self, path: str, specifier: str, imported: str, member: str | None) -> int | None:
        return self.returned_arities.get((specifier, imported, member))

    def declared_runtimes(self, path: str) -> dict[str, str]:
        return self.runtimes
    python: PythonProject | None = field(default=None, repr=False, compare=False)  # the worker's, for its share
    # every file's declared names, for an analysis that asks about other files too (Python's walk
    # from a helper up to the handlers that import it); without them, `declared` answers for all
    declared_by_file: dict[str, frozenset[str]] | None = field(default=None, repr=False)

    def declared_handler_names(self, path: str) -> frozenset[str]:
        if self.declared_by_file is None:
            return self.declared
        from lambda_leak.workspace.keys import key

        return self.declared_by_file.get(key(path), frozenset())

    def external_entries(self, path: str) -> dict[Entry, bool]:
        return self.external

    def imported_is_async(self, path: str, specifier: str, imported: str, member: str | None) -> bool:
        specifier, _, base = specifier.partition("#")
        if base:
            if member is not None:
                return False
            imported, member = base, imported
        return self.async_refs.get((specifier, imported, member), False)

    def serverless_app(self) -> bool:
        return self.serves_lambda

    def awaited_elsewhere(self, path: str, callee: str) -> str | None:
        return self.awaited.get(callee)

    def take_module(self, path: str, data: bytes):
        module, self.module = self.module, None
        return module if module is not None and module.source.data == data else None

    def python_project(self) -> PythonProject:
        if self.python is None:
            self.python = PythonProject()
        return self.python
