"""The JavaScript/TypeScript analyser the engine calls: parse, model the module, find
handlers and their paths, then run the enabled rules on one shared context."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from lambda_leak.config import Config
from lambda_leak.engine import LanguageResult, run_rules
from lambda_leak.javascript import incremental, parser
from lambda_leak.javascript.arity import BuiltHandler, built_handlers
from lambda_leak.javascript.frameworks import imports_adapter, route_handlers
from lambda_leak.javascript.handlers import JsHandler, discover, returned_handlers
from lambda_leak.javascript.incremental import DocumentMemo
from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.paths import HandlerPaths
from lambda_leak.javascript.promises import PromiseKnowledge
from lambda_leak.javascript.syntax import is_async, parameter_names
from lambda_leak.model import Finding, Fix, Range
from lambda_leak.rules import RuleInfo
from lambda_leak.source import SourceText
from lambda_leak.workspace.hooks import AnalysisHooks, Standalone

log = logging.getLogger(__name__)


@dataclass
class JsContext:
    """Everything a JavaScript rule needs, computed once per analysis."""

    source: SourceText
    module: JsModule
    config: Config
    promises: PromiseKnowledge
    handlers: list[JsHandler]
    paths: HandlerPaths
    workspace: Any = None
    runtimes: dict[str, str] = field(default_factory=dict)  # export name -> runtime the deployment declares
    built: list[BuiltHandler] = field(default_factory=list)  # exports a pinned adapter makes with length ≥ 3
    routes: frozenset = frozenset()  # route handlers and middleware of a framework app served by Lambda

    def finding(self, rule: RuleInfo, where: Node | Range, message: str, fixes: tuple[Fix, ...] = ()) -> Finding:
        span = where if isinstance(where, Range) else self.source.node_range(where)
        return Finding(rule.id, message, span, rule.severity, tuple(f for f in fixes if f is not None))


def syntax_ok(text: str, language: str) -> bool:
    return parser.syntax_ok(text, language)


def _imported_async(workspace: AnalysisHooks, path: str):
    return lambda binding, member: workspace.imported_is_async(path, binding.module, binding.imported, member)


def _awaited_elsewhere(workspace: AnalysisHooks, path: str):
    return lambda callee: workspace.awaited_elsewhere(path, callee)


def _module(source: SourceText, workspace: AnalysisHooks, previous_tree: Any, memo: DocumentMemo | None = None) -> JsModule:
    """The module the workspace index already parsed (same text), or a fresh parse (which, in the
    language server, starts from the previous version's call graph where the edit leaves it)."""
    module = workspace.take_module(source.path, source.data)
    if module is not None:
        if module.source.path != source.path:
            # parsed by the index under its key (the absolute path): the callee keys of this file's own
            # variables spell the path, so they are read again under the path this analysis reports
            module._awaited_keys = None
        module.source = source
        return module
    if memo is not None:
        return incremental.parse_module(source, previous_tree, memo)
    return JsModule(source, parser.parse(source.data, source.language, previous_tree))


def _external(workspace: AnalysisHooks, module: JsModule) -> list:
    """Functions of this file that handlers in other files call (with: does that handler not wait)."""
    from lambda_leak.workspace.entries import entry_functions

    return entry_functions(module, workspace.external_entries(module.source.path))


def _returned(module: JsModule, handlers: list[JsHandler], promises: PromiseKnowledge) -> list:
    """Handlers that wrappers build and return, with whether their invocation ends without waiting."""
    if b"return" not in module.source.data and b"=>" not in module.source.data:
        return []
    known = {h.function for h in handlers}
    roots = []
    for function in returned_handlers(module):
        if function not in known:
            names = parameter_names(function)
            leaky = is_async(function) or (len(names) < 3 and promises.function_returns_promise(function))
            roots.append((function, leaky))
    return roots


def build_context(source: SourceText, config: Config, workspace: AnalysisHooks | None = None, previous_tree: Any = None,
                  memo: DocumentMemo | None = None) -> JsContext:
    workspace = workspace if workspace is not None else Standalone()
    module = _module(source, workspace, previous_tree, memo)
    promises = PromiseKnowledge(
        module, config.promise_functions, _imported_async(workspace, source.path), _awaited_elsewhere(workspace, source.path)
    )
    if memo is not None:
        memo.reused_promises = incremental.seed_promises(promises, memo)
    declared = frozenset(workspace.declared_handler_names(source.path))
    handlers = discover(module, config.handler_names, declared)
    built = built_handlers(module, source.path, config.handler_names, declared)
    routes = _routes(module, workspace)
    external = _external(workspace, module) + _returned(module, handlers, promises) + [(r, True) for r in routes]
    paths = HandlerPaths(module, handlers, promises, scope_all=config.scope == "all", external=external)
    return JsContext(source, module, config, promises, handlers, paths, workspace,
                     dict(workspace.declared_runtimes(source.path)), built, frozenset(routes))


def _routes(module: JsModule, workspace: AnalysisHooks) -> list:
    """Route handlers of a framework app, when this file or the project serves one through an adapter."""
    routes = route_handlers(module)
    if not routes:
        return []
    if imports_adapter(module) or workspace.serverless_app():
        return routes
    return []


def analyse(source: SourceText, config: Config, rules: list, workspace: AnalysisHooks | None = None, previous_tree: Any = None,
            memo: DocumentMemo | None = None) -> LanguageResult:
    """`memo`: the language server's record of this document's previous version (None elsewhere)."""
    if memo is None:
        return _analysed(source, config, rules, workspace, previous_tree, None)
    try:
        result = _analysed(source, config, rules, workspace, previous_tree, memo)
    except Exception:
        if not memo.misaligned:
            raise
        log.debug("analysis of %s stopped", source.path, exc_info=True)
    else:
        if not memo.misaligned:
            return result
    # A block carried over from the previous version was not where the edit put it (`_align` rules
    # that out): the analysis (and any rule that read it, whose error `run_rules` kept) starts again
    # from a fresh parse, with nothing of the first attempt kept.
    log.debug("a carried scope was misplaced in %s: analysed afresh", source.path)
    memo.forget()
    return _analysed(source, config, rules, workspace, None, memo)


def _analysed(source: SourceText, config: Config, rules: list, workspace: AnalysisHooks | None, previous_tree: Any,
              memo: DocumentMemo | None) -> LanguageResult:
    context = build_context(source, config, workspace, previous_tree, memo)
    root = context.module.root
    syntax_error = None
    broken = parser.first_error(root)
    if broken is not None:
        where = source.point_position(broken.start_point)
        syntax_error = f"syntax error at line {where.line + 1}, column {where.column + 1}; findings may be incomplete"
    if not context.handlers and not context.built and not context.paths.has_external and config.scope != "all":
        findings: list[Finding] = []
    else:
        errors: list[str] = []
        findings = run_rules(rules, context, errors)
        if errors:
            syntax_error = "; ".join(filter(None, [syntax_error, *errors]))
    if memo is not None:
        memo.keep(context.module, context.promises)
    return LanguageResult(findings, syntax_error, context.module.tree)
