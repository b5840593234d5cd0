"""The Python analyser the engine calls: astroid tree, handlers, handler path, then the rules."""

from __future__ import annotations

import os
from typing import Any

from astroid.exceptions import AstroidSyntaxError

from lambda_leak.python import parsing, project, pruning
from lambda_leak.python.context import PythonContext
from lambda_leak.python.handlers import discover
from lambda_leak.python.parsing import syntax_ok
from lambda_leak.python.paths import all_functions, reach
from lambda_leak.python.reverse import reached_from_elsewhere
from lambda_leak.source import SourceText
from lambda_leak.workspace.hooks import AnalysisHooks, Standalone

__all__ = ["analyse", "syntax_ok"]


def _syntax_message(error: AstroidSyntaxError) -> str:
    inner = getattr(error, "error", None)
    if isinstance(inner, SyntaxError) and inner.lineno:
        return f"syntax error at line {inner.lineno}: {inner.msg}; not analysed"
    return "syntax error; not analysed"


def analyse(source: SourceText, config, rules, workspace: AnalysisHooks | None = None, previous_tree: Any = None):
    workspace = workspace if workspace is not None else Standalone()
    with project.using(workspace.python_project()):
        return _analyse(source, config, rules, workspace)


def _analyse(source: SourceText, config, rules, workspace: AnalysisHooks):
    from lambda_leak.engine import LanguageResult, run_rules

    path = source.path
    if not pruning.might_fire(source.text, path):
        return LanguageResult(findings=[])  # no leak API mentioned: nothing to parse
    declared = set(workspace.declared_handler_names(path))
    everything = config.scope == "all"
    on_disk = os.path.isfile(path)
    elsewhere: set[str] = set()
    if not everything and not parsing.may_hold_handler(source.text, config.handler_names, declared):
        # No handler here: parse only if a handler elsewhere in the project calls in.
        elsewhere = reached_from_elsewhere(path, config.handler_names, workspace) if on_disk else set()
        if not elsewhere:
            return LanguageResult(findings=[])
    try:
        module = parsing.parse_buffer(source.text, path)
    except AstroidSyntaxError as error:
        return LanguageResult(findings=[], syntax_error=_syntax_message(error))
    except (RecursionError, MemoryError, ValueError):
        return LanguageResult(findings=[], syntax_error="file too deeply nested or invalid; not analysed")
    handlers = discover(module, config.handler_names, declared)
    if everything:
        functions = all_functions(module)
    else:
        roots = [f for h in handlers for f in h.roots]
        if not handlers and on_disk:
            elsewhere = elsewhere or reached_from_elsewhere(path, config.handler_names, workspace)
        roots += [f for f in all_functions(module) if f.qname() in elsewhere]
        functions = {f for f in reach(roots) if f.root() is module}
    context = PythonContext(
        source=source,
        module=module,
        config=config,
        handlers=handlers,
        functions=sorted(functions, key=lambda f: (f.lineno, f.col_offset)),
    )
    errors: list[str] = []
    findings = run_rules(rules, context, errors)
    # No tree for the engine to keep: the language server's incremental re-parse is tree-sitter's;
    # astroid trees are reused by text in `parsing` instead.
    return LanguageResult(findings=findings, syntax_error="; ".join(errors) or None)
