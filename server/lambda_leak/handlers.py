"""Every Lambda handler under some paths, for `lambda-leak check --list-handlers` and the
editor's handler list: found in code (by name, wrapper or decorator) and declared by the
deployment (SAM/CloudFormation, serverless.yml, CDK), whatever their export name.

A handler both named in code and declared by a template is listed once, as declared.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from lambda_leak.config import Config, ConfigError, config_for_file
from lambda_leak.files import UnreadableFile, iter_source_files, read_source
from lambda_leak.javascript.handlers import discover as discover_js
from lambda_leak.source import SourceText, language_for
from lambda_leak.workspace.hooks import Standalone
from lambda_leak.workspace import roots as deployment
from lambda_leak.workspace.entries import module_entries
from lambda_leak.workspace.index import JS_LANGUAGES, key
from lambda_leak.workspace.summary import parse_module


@dataclass(frozen=True, order=True)
class ListedHandler:
    path: str  # as the user named it (relative when under the current folder)
    line: int  # 0-based
    name: str  # the export (for declared handlers: the export path, e.g. "nested.fn")
    origin: str  # "code", or the declaring file's name ("template.yaml", "serverless.yml", "main.tf"), "cdk", …
    runtime: str = ""  # as declared ("nodejs24.x", "nodejs22.x on Lambda Managed Instances"), "nodejs24.x assumed", or ""
    how: str = ""  # how a handler naming a built file was traced to this source; for unresolved ones, why not


class _Declared(Standalone):
    """The `declared_handler_names` hook for the language finders."""

    def __init__(self, names: frozenset[str]):
        super().__init__()
        self.names = names

    def declared_handler_names(self, path: str) -> frozenset[str]:
        return self.names


def _config(path: Path, overrides: dict) -> Config:
    try:
        config = config_for_file(path)
    except ConfigError:
        config = Config()
    allowed = {k: v for k, v in (overrides or {}).items() if k in ("handler_names", "runtime")}
    return config.merged(**allowed) if allowed else config


def _display(path: str, shown: dict[str, str]) -> str:
    if path in shown:
        return shown[path]
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def find_handlers(paths: Iterable[Path], overrides: dict | None = None) -> list[ListedHandler]:
    paths = [Path(p) for p in paths]
    roots = [key(p) for p in paths]
    declared_handlers = deployment.declared_handlers(paths)
    declared_by_file: dict[str, dict[str, object]] = {}
    for handler in declared_handlers:
        if handler.source_file is not None:
            declared_by_file.setdefault(key(handler.source_file), {}).setdefault(handler.export_name, handler)
    found: dict[tuple[str, str], ListedHandler] = {}
    shown: dict[str, str] = {}
    for path in iter_source_files(paths):
        path_key = key(path)
        shown[path_key] = str(path)
        declared = declared_by_file.get(path_key, {})
        assumed = _assumed_runtime(path, overrides)
        for name, line in _code_handlers(path, path_key, frozenset(declared), overrides):
            origin = declared[name].origin if name in declared else "code"
            export = declared[name].export_path if name in declared else name
            runtime = declared[name].deployed_runtime if name in declared and declared[name].runtime else assumed
            how = declared[name].how if name in declared else ""
            found[(path_key, name)] = ListedHandler(str(path), line, export, origin, runtime or "", how)
    # Declared handlers the code finders did not list (re-exports, unreadable files, files not on disk).
    for handler in declared_handlers:
        source = key(handler.source_file) if handler.source_file is not None else None
        if source is not None and (source, handler.export_name) in found:
            continue
        if source is not None and _inside(source, roots):
            line = _declared_line(source, handler.export_name)
            found[(source, handler.export_name)] = ListedHandler(
                _display(source, shown), line, handler.export_path, handler.origin, handler.deployed_runtime or "", handler.how
            )
        elif handler.unresolved is not None and _inside(key(handler.declared_in), roots):
            where = key(handler.declared_in)  # never guessed: listed where it is declared, with why
            found[(where, f"?{handler.line}")] = ListedHandler(
                _display(where, shown), handler.line, "?", handler.origin, handler.deployed_runtime or "",
                f"unresolved: {handler.unresolved}",
            )
        elif source is None and _inside(key(handler.declared_in), roots):
            where = key(handler.declared_in)
            found[(where, handler.export_path)] = ListedHandler(
                _display(where, shown), handler.line, handler.export_path, handler.origin, handler.deployed_runtime or "", handler.how
            )
    return sorted(found.values())


def _assumed_runtime(path: Path, overrides) -> str | None:
    """The runtime the config (or --target-runtime) assumes for handlers no deployment file declares."""
    runtime = _config(path, overrides).runtime
    return f"{runtime} assumed" if runtime else None


def _code_handlers(path: Path, path_key: str, declared: frozenset[str], overrides) -> list[tuple[str, int]]:
    language = language_for(str(path))
    config = _config(path, overrides)
    try:
        text = read_source(path, config.max_file_size).text
    except UnreadableFile:
        return []
    source = SourceText(str(path), text, language)
    if language in JS_LANGUAGES:
        module = parse_module(source)
        return [(h.name, h.export_node.start_point[0]) for h in discover_js(module, config.handler_names, declared)]
    if language == "python":
        try:
            from lambda_leak.python import find_handlers as find_python
        except ImportError:
            return []
        try:
            return list(find_python(source, config, _Declared(declared)))
        except Exception:  # noqa: BLE001 - a file the Python finder cannot read lists nothing
            return []
    return []


def _declared_line(path: str, export: str) -> int:
    """Where a declared export is defined (or re-exported) in its source file; 0 if not found."""
    try:
        text = read_source(Path(path), 5 * 1024 * 1024).text
    except UnreadableFile:
        return 0
    language = language_for(path)
    if language in JS_LANGUAGES:
        module = parse_module(SourceText(path, text, language))
        entries = module_entries(module)
        if (export, None) in entries.functions:
            return entries.functions[(export, None)][1].start_point[0]
        for statement in module.root.named_children:  # export { handler } from './impl'
            if statement.type == "export_statement" and export in (statement.text or b"").decode("utf-8", "replace"):
                return statement.start_point[0]
        return 0
    if language == "python":
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            return 0
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == export:
                return node.lineno - 1
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == export for t in node.targets):
                return node.lineno - 1
    return 0
