"""The Python analyser the engine calls: astroid tree, handlers, handler path, then the rules."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from astroid.exceptions import AstroidSyntaxError

from lambda_leak.python import parsing, partial, project, pruning, wrappers
from lambda_leak.python.context import PythonContext
from lambda_leak.python.handlers import discover
from lambda_leak.python.parsing import syntax_ok
from lambda_leak.python.paths import all_functions, reach
from lambda_leak.python.reverse import holds_handler, reached_from_elsewhere
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


def _reached_from_elsewhere(path: str, text: str, patterns: tuple[str, ...], workspace: AnalysisHooks) -> set[str]:
    """`reached_from_elsewhere`, for a file on disk (a buffer not saved yet is imported by none):
    one whose text the project read from disk this run is (a `check` worker's every file); the file
    system asked only for others, never for a file with a handler."""
    on_disk = project.current().holds_text(path, text) or os.path.isfile(path)
    return reached_from_elsewhere(path, patterns, workspace) if on_disk else set()


def _analyse(source: SourceText, config, rules, workspace: AnalysisHooks):
    from lambda_leak.engine import LanguageResult, run_rules

    path = source.path
    if not pruning.might_fire(source.text, path):
        return LanguageResult(findings=[])  # no leak API mentioned: nothing to parse
    declared = set(workspace.declared_handler_names(path))
    everything = config.scope == "all"
    elsewhere: set[str] = set()
    may_wrap = not everything and wrappers.may_hold_wrapper(source.text)
    if (
        not everything
        and not may_wrap
        and not holds_handler(path, source.text, config.handler_names, declared)
    ):
        # No handler here: parse only if a handler elsewhere in the project calls in.
        elsewhere = _reached_from_elsewhere(path, source.text, config.handler_names, workspace)
        if not elsewhere:
            return LanguageResult(findings=[])
    partial_note = None
    try:
        module = parsing.parse_buffer(source.text, path)
    except AstroidSyntaxError as error:
        # Analyse what parses: the broken top-level statements blanked (positions unchanged).
        rest = partial.parsable_part(source.text)
        if rest is None:
            return LanguageResult(findings=[], syntax_error=_syntax_message(error))
        try:
            module = parsing.parse_buffer(rest[0], path)
        except (AstroidSyntaxError, RecursionError, MemoryError, ValueError):
            return LanguageResult(findings=[], syntax_error=_syntax_message(error))
        skipped = f"{rest[1]} broken statement{'s' if rest[1] > 1 else ''} skipped"
        partial_note = _syntax_message(error).replace("; not analysed", f"; findings may be incomplete ({skipped})")
    except (RecursionError, MemoryError, ValueError):
        return LanguageResult(findings=[], syntax_error="file too deeply nested or invalid; not analysed")
    handlers = discover(module, config.handler_names, declared)
    known_callees: dict = {}
    if everything:
        functions = all_functions(module)
    else:
        roots = [f for h in handlers for f in h.roots]
        if may_wrap:
            roots += wrappers.wrapper_functions(module)
        if not handlers:
            elsewhere = elsewhere or _reached_from_elsewhere(path, source.text, config.handler_names, workspace)
        if elsewhere:
            roots += [f for f in all_functions(module) if f.qname() in elsewhere]
        # Only this module's functions are kept: dead-end modules' trees need not be built.
        functions = {f for f in reach(roots, known_callees, dead_ends=False) if f.root() is module}
    context = PythonContext(
        source=source,
        module=module,
        config=config,
        handlers=handlers,
        functions=sorted(functions, key=lambda f: (f.lineno, f.col_offset)),
        known_callees=known_callees,
    )
    errors: list[str] = []
    findings = run_rules(rules, context, errors)
    if partial_note:  # no fix is offered for a file that does not parse: it could not be checked
        findings = [dataclasses.replace(f, fixes=()) for f in findings]
    # No tree for the engine to keep: the language server's incremental re-parse is tree-sitter's;
    # astroid trees are reused by text in `parsing` instead.
    return LanguageResult(findings=findings, syntax_error="; ".join(filter(None, [partial_note, *errors])) or None)
