"""What a Python rule gets: the tree, the handler path, and helpers to report findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from astroid import nodes

from lambda_leak.config import Config
from lambda_leak.model import Finding, Fix, Position, Range
from lambda_leak.python.handlers import Handler
from lambda_leak.source import SourceText


@dataclass
class PythonContext:
    source: SourceText
    module: nodes.Module
    config: Config
    handlers: list[Handler]
    functions: list[nodes.FunctionDef]  # this module's functions on a handler path, in source order
    known_callees: dict = field(default_factory=dict, repr=False)  # for `paths.reach` (this analysis only)
    _calls: dict = field(default_factory=dict, repr=False)

    def position(self, line: int, byte_column: int) -> Position:
        """astroid's 1-based line and UTF-8 byte column as a model position."""
        return self.source.point_position((line - 1, byte_column))

    def range(self, node: nodes.NodeNG) -> Range:
        start = self.position(node.lineno, node.col_offset)
        end_line = node.end_lineno if node.end_lineno is not None else node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return Range(start, self.position(end_line, end_col))

    def finding(
        self, rule, node: nodes.NodeNG, message: str, fixes: tuple[Fix, ...] = (), range_: Range | None = None
    ) -> Finding:
        return Finding(rule.id, message, range_ or self.range(node), rule.severity, fixes)

    def calls(self, function: nodes.FunctionDef) -> Iterator[nodes.Call]:
        """Calls made by `function` itself (nested functions are walked on their own)."""
        found = self._calls.get(function)
        if found is None:
            found = list(function.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)))
            self._calls[function] = found
        return iter(found)

    def in_handler(self, function: nodes.FunctionDef) -> str:
        """How the message names the place: "the handler" or "`helper` (on the handler path)"."""
        if any(function in h.roots and function not in h.routes for h in self.handlers):
            return "the handler"
        if self.config.scope == "all":
            return f"`{function.name}`"
        return f"`{function.name}` (on the handler path)"
