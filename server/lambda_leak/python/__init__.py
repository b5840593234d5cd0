"""Python support: `analyse.analyse` / `analyse.syntax_ok` for the engine, `find_handlers` for
`--list-handlers`. Analysed code is parsed by astroid from text, never imported or run."""

from __future__ import annotations

from astroid.exceptions import AstroidSyntaxError

from lambda_leak.python import parsing, project
from lambda_leak.python.handlers import discover
from lambda_leak.source import SourceText
from lambda_leak.workspace.hooks import AnalysisHooks, Standalone


def find_handlers(source, config=None, workspace: AnalysisHooks | None = None) -> list[tuple[str, int]]:
    """(name, 0-based line) of each handler in a Python file; `source` is a SourceText or text.
    For `lambda-leak check --list-handlers`."""
    from lambda_leak.config import Config

    config = config or Config()
    if isinstance(source, SourceText):
        text, path = source.text, source.path
    else:
        text, path = str(source), "<text>.py"
    workspace = workspace if workspace is not None else Standalone()
    declared = set(workspace.declared_handler_names(path))
    if not parsing.holds_handler_candidate(text, config.handler_names, declared):
        return []
    with project.using(workspace.python_project()):
        try:
            module = parsing.parse_buffer(text, path)
        except (AstroidSyntaxError, RecursionError, MemoryError, ValueError):
            return []
        return [(h.name, h.line) for h in discover(module, config.handler_names, declared)]
