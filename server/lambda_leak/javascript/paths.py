"""Handler paths: the handler plus every function it calls, transitively, in the file.

Functions lexically inside a function on the path (callbacks, executors) are on it too.
Only code on the path of a handler whose invocation ends *without* waiting for the event
loop (async handlers, and callback handlers with callbackWaitsForEmptyEventLoop = false)
can leak work into a later invocation.
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.javascript import parser
from lambda_leak.javascript.handlers import JsHandler
from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.promises import PromiseKnowledge
from lambda_leak.javascript.syntax import is_async, unwrap

_NO_WAIT_QUERY = """
(assignment_expression
  left: (member_expression property: (property_identifier) @property)
  right: (false)) @assignment
"""


def call_targets(module: JsModule, call: Node) -> list[Node]:
    """Functions in this file a call (or `new`) may run, including functions passed by name."""
    return module.functions_called(call) + module.passed_functions(call)


def reach(module: JsModule, start: Node) -> set[Node]:
    """`start` and every function of the file it calls, transitively (memoised on the module:
    the workspace index and the analysis ask about the same functions)."""
    memo = module._reach_memo
    if start not in memo:
        memo[start] = frozenset(_reach(module, start))
    return set(memo[start])


def _reach(module: JsModule, start: Node) -> set[Node]:
    reached = {start}
    queue = [start]
    while queue:
        function = queue.pop()
        for call in module.calls_within(function) + module.news_within(function):
            for target in call_targets(module, call):
                if target not in reached:
                    reached.add(target)
                    queue.append(target)
    return reached


def no_wait_assignments(module: JsModule) -> list[Node]:
    """`….callbackWaitsForEmptyEventLoop = false` statements (memoised on the module: the index
    and the analysis both ask)."""
    memo = module._no_wait_memo
    if memo is None:
        memo = module._no_wait_memo = _no_wait_assignments(module)
    return memo


def _no_wait_assignments(module: JsModule) -> list[Node]:
    if b"callbackWaitsForEmptyEventLoop" not in module.source.data:
        return []
    found = parser.captures(module.source.language, _NO_WAIT_QUERY, module.root)
    properties = {p for p in found.get("property", []) if module.text(p) == "callbackWaitsForEmptyEventLoop"}
    return [a for a in found.get("assignment", []) if any(p.parent.parent == a for p in properties)]


class HandlerPaths:
    """`external` roots are functions of this file that handlers in other files call
    (from the workspace index), each with whether that handler ends without waiting."""

    def __init__(self, module: JsModule, handlers: list[JsHandler], promises: PromiseKnowledge, scope_all: bool,
                 external: list[tuple[Node, bool]] = ()):
        self.module = module
        self.scope_all = scope_all
        self.reached: dict[JsHandler, set[Node]] = {h: self._reach(h.function) for h in handlers}
        self.no_wait_assignments = no_wait_assignments(module)
        self.leaky_handlers = [h for h in handlers if self.ends_without_waiting(h, promises)]
        self._leaky: set[Node] = set().union(*(self.reached[h] for h in self.leaky_handlers)) if handlers else set()
        self._any: set[Node] = set().union(*self.reached.values()) if handlers else set()
        self.has_external = bool(external)
        for function, leaky in external:
            reached = self._reach(function)
            self._any |= reached
            if leaky:
                self._leaky |= reached
        self._cache: dict[tuple[Node, bool], bool] = {}
        self._by_scope: dict[tuple[int, bool], bool] = {}  # (id of the innermost scope, leaky_only) -> on the path

    def _reach(self, start: Node) -> set[Node]:
        return reach(self.module, start)

    def ends_without_waiting(self, handler: JsHandler, promises: PromiseKnowledge) -> bool:
        """True when Lambda freezes the environment without waiting for pending work."""
        if handler.wrapper in ("middy", "streamify") or is_async(handler.function):
            return True
        if promises.function_returns_promise(handler.function):
            return True  # a returned promise settles the invocation, even with a `callback` parameter
        if ends_with_context_method(self.module, handler.function):
            return True
        return any(self.within(a, self.reached[handler]) for a in self.no_wait_assignments)

    def within(self, node: Node, functions: set[Node]) -> bool:
        return any(f in functions for f in self.module.enclosing_functions(node))

    def on_path(self, node: Node, leaky_only: bool = True) -> bool:
        """Is `node` inside a function on a handler path (of a handler that does not wait)?"""
        if self.scope_all:
            return self._inside_function(node)
        start = node.start_byte
        scope = self.module.innermost_scope(start)
        if scope is not None and scope.start != start:
            # No scope starts at `node`, so none lies inside it: its functions are its scope's.
            key = (id(scope), leaky_only)
            cached = self._by_scope.get(key)
            if cached is None:
                cached = self._by_scope[key] = self.within(node, self._leaky if leaky_only else self._any)
            return cached
        key = (node, leaky_only)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self.within(node, self._leaky if leaky_only else self._any)
        return cached

    def _inside_function(self, node: Node) -> bool:
        return self.module.enclosing_function(node) is not None

    def handler_of(self, function: Node) -> JsHandler | None:
        for handler in self.reached:
            if handler.function == function:
                return handler
        return None


CONTEXT_METHODS = frozenset({"succeed", "fail", "done"})


def ends_with_context_method(module: JsModule, function: Node) -> bool:
    """Does the handler end its invocation with `context.succeed/fail/done`, which (unlike the
    callback) never waits for the event loop to empty?"""
    names = module.parameters(function)
    if len(names) < 2 or not names[1] or b"." + names[1].encode() not in module.source.data and names[1].encode() + b"." not in module.source.data:
        return False
    for call in module.calls_within(function):
        callee = unwrap(module.callee(call))
        if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) not in CONTEXT_METHODS:
            continue
        obj = unwrap(callee.child_by_field_name("object"))
        if obj.type == "identifier" and module.text(obj) == names[1]:
            bound = module.resolve(names[1], obj)
            if bound is not None and bound.kind == "param" and bound.node == function:
                return True
    return False
