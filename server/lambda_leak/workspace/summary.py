"""What the index keeps about one JavaScript/TypeScript file: small, picklable facts.

For each entry (see `entries`) it records whether it returns a promise, judged inside the
file, and the project imports that could still make it one (`promise_via`); the project
imports its local call graph reaches (`calls`); and whether, were it a handler, the
invocation would end without waiting for pending work. The index answers cross-file
questions from these facts alone, so each file is parsed once per run.
"""

from __future__ import annotations

from dataclasses import dataclass

from lambda_leak.config import Config
from lambda_leak.javascript import parser
from lambda_leak.javascript.frameworks import imports_adapter
from lambda_leak.javascript.handlers import _exports, discover, named_like_handler, wrapped_import
from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.arity import returned_function
from lambda_leak.javascript.paths import ends_with_context_method, no_wait_assignments, reach
from lambda_leak.javascript.promises import CHAIN_METHODS, PromiseKnowledge, awaited_keys, callee_key
from lambda_leak.javascript.syntax import FUNCTION_TYPES, declared_arity, is_async
from lambda_leak.source import SourceText
from lambda_leak.workspace.entries import Entry, Ref, binding_ref, call_refs, module_entries, project_names


@dataclass(frozen=True)
class EntryFacts:
    line: int  # 0-based line of the export statement
    promise: bool  # returns a promise, judged within the file
    promise_via: tuple[Ref, ...]  # ...or does if one of these imported callees does
    calls: tuple[Ref, ...]  # project imports called on its local path
    leaky: bool  # as a handler: the invocation ends without waiting (within the file)
    leaky_via: tuple[Ref, ...]  # ...or does if one of these imported callees returns a promise
    returns_arity: int | None = None  # a wrapper: the declared length of the function it returns


@dataclass(frozen=True)
class FileSummary:
    entries: dict[Entry, EntryFacts]
    reexports: dict[str, tuple[str, str]]
    stars: tuple[str, ...]
    handlers: tuple[tuple[str, int], ...]  # handlers found in code: (export name, 0-based line)
    specifiers: tuple[str, ...]  # relative module specifiers the file imports
    refs: tuple[Ref, ...]  # every project-import callee in the file (answered ahead for workers)
    awaited: tuple[tuple[str, int], ...] = ()  # package callees the file awaits (callee_key, 0-based line)
    dropped: tuple[str, ...] = ()  # package callees whose result the file drops (asked of the others)
    serves_lambda: bool = False  # imports a serverless adapter (serverless-http, serverless-express, …)
    wrapped: tuple[tuple[str, bool, Ref], ...] = ()  # exports wrapping an imported function: (name, named like a handler, ref)


class _Recorder:
    """An `imported_async` hook that answers "no" and notes what was asked: the imports a
    promise question depends on, answered later by the index."""

    def __init__(self) -> None:
        self.asked: list[Ref] = []

    def __call__(self, binding, member) -> bool:
        ref = binding_ref(binding, member)
        if ref is not None and ref not in self.asked:
            self.asked.append(ref)
        return False


def _promise_facts(module: JsModule, config: Config, function) -> tuple[bool, tuple[Ref, ...]]:
    recorder = _Recorder()
    promises = PromiseKnowledge(module, config.promise_functions, recorder)
    result = promises.function_returns_promise(function)
    return result, () if result else tuple(recorder.asked)


def parse_module(source: SourceText) -> JsModule:
    return JsModule(source, parser.parse(source.data, source.language))


def summarise(module: JsModule, config: Config) -> FileSummary:
    """Facts about `module`; handlers are those named in code (the index adds the deployment's)."""
    entries = module_entries(module)
    no_wait = no_wait_assignments(module)
    data = module.source.data
    relative = b"'." in data or b'".' in data or b"`." in data or b"'/" in data or b'"/' in data
    # Without a relative module specifier in the text, or a name bound to one, no call can reach
    # another project file.
    names = project_names(module) if relative else ()
    refs_of = {call: call_refs(module, call, names) for call in [*module.calls, *module.news]} if names else {}
    refs: list[Ref] = []
    for found in refs_of.values():
        for ref in found:
            if ref not in refs:
                refs.append(ref)
    facts: dict[Entry, EntryFacts] = {}
    for entry, (function, statement, wrapper) in entries.functions.items():
        # What a function reaches matters only for the project imports it calls and the no-wait
        # assignments it runs: without either in the file, the call graph is not walked here.
        reached = reach(module, function) if refs or no_wait else None
        calls: list[Ref] = []
        for call in _calls_within(module, reached) if refs else ():
            for ref in refs_of.get(call, ()):
                if ref not in calls:
                    calls.append(ref)
        promise, promise_via = _promise_facts(module, config, function)
        names = module.parameters(function)
        has_callback = wrapper != "streamify" and len(names) >= 3 and bool(names[2])  # JsHandler.callback_parameter
        leaky = (
            wrapper in ("middy", "streamify")
            or is_async(function)
            or promise
            or ends_with_context_method(module, function)
            or any(_inside(a, reached) for a in no_wait)
        )
        facts[entry] = EntryFacts(
            line=statement.start_point[0],
            promise=promise,
            promise_via=promise_via,
            calls=tuple(calls),
            leaky=leaky,
            leaky_via=() if leaky or has_callback else promise_via,
            returns_arity=_returned_arity(module, function),
        )
    handlers = discover(module, config.handler_names)
    return FileSummary(
        entries=facts,
        reexports=entries.reexports,
        stars=tuple(entries.stars),
        handlers=tuple((h.name, h.export_node.start_point[0]) for h in handlers),
        specifiers=_specifiers(module, refs, entries),
        refs=tuple(refs),
        awaited=tuple((k, line) for k, line in awaited_keys(module).items() if _shared(module, k)),
        dropped=_dropped_keys(module),
        wrapped=_wrapped(module, config),
        serves_lambda=imports_adapter(module),
    )


def _returned_arity(module: JsModule, function) -> int | None:
    returned = returned_function(module, function) if function.type in FUNCTION_TYPES else None
    return declared_arity(returned) if returned is not None else None


def _wrapped(module: JsModule, config: Config) -> tuple[tuple[str, bool, Ref], ...]:
    """`export const handler = middy(baseHandler)` with `baseHandler` imported: the import runs as the handler."""
    found = []
    for name, value, _ in _exports(module):
        bound = wrapped_import(module, value) if value is not None else None
        ref = binding_ref(bound, None) if bound is not None else None
        if ref is not None:
            found.append((name, named_like_handler(name, config.handler_names), ref))
    return tuple(found)


def _shared(module: JsModule, key: str) -> bool:
    """Keys other files can share (not a field or variable of this file)."""
    return not key.startswith(module.source.path + "#")


def _dropped_keys(module: JsModule) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for call in module.calls:
        callee = module.callee(call)
        if callee is None or callee.type != "member_expression":
            continue
        parent = call.parent  # after the callee: tree-sitter finds a parent by walking down from the root
        if parent is None:
            continue
        if parent.type == "expression_statement" or (parent.type == "arrow_function" and parent.child_by_field_name("body") == call):
            if module.text(callee.child_by_field_id(module.field_ids.property)) in CHAIN_METHODS:
                continue
            key = callee_key(module, callee)
            if key and _shared(module, key):
                found[key] = None
    return tuple(found)


def _calls_within(module: JsModule, functions: set) -> list:
    seen: set = set()
    for function in functions:
        seen.update(module.calls_within(function))
        seen.update(module.news_within(function))
    return sorted(seen, key=lambda call: call.start_byte)


def _inside(node, functions: set) -> bool:
    current = node.parent
    while current is not None:
        if current in functions:
            return True
        current = current.parent
    return False


def _specifiers(module: JsModule, refs: list[Ref], entries) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for binding in module.module_scope.values():
        ref = binding_ref(binding, None)
        if ref is not None:
            found[ref[0]] = None
    for specifier in [*(r[0] for r in refs), *(s for s, _ in entries.reexports.values()), *entries.stars]:
        found[specifier] = None
    return tuple(found)
