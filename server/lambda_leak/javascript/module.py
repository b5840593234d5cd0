"""One parsed JavaScript/TypeScript file: its functions, calls, and what names are bound to.

Name resolution is lexical and cheap: a name is looked up in the declarations of each
enclosing block, function and finally the module. That is all the rules need to know
that `client.send(...)` is an AWS SDK v3 call or that `save()` is an async function.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import compress, islice
from operator import eq
from typing import Any, Callable, NamedTuple

from tree_sitter import Node, Tree

from lambda_leak.javascript import parser
from lambda_leak.javascript.syntax import (
    CLASS_TYPES,
    FIELD_TYPES,
    FUNCTION_TYPES,
    call_arguments,
    descendants,
    enclosing,
    import_names,
    parameter_names,
    parameter_nodes,
    string_value,
    unwrap,
)
from lambda_leak.source import SourceText

_QUERY = """
(call_expression) @call
(new_expression) @new
[(function_declaration) (function_expression) (arrow_function) (method_definition)
 (generator_function_declaration) (generator_function)] @fn
[(statement_block) (class_body) (switch_body) (catch_clause) (for_in_statement) (for_statement)] @scope
"""
_UNREAD = "\x00unread"  # `calls_to_methods`: a call without a callee, left to the rule
_SCOPE_TYPES = frozenset({"statement_block", "program", "switch_body", "class_body"})


class Scope:
    """A node that declares names (function, block, catch, for). Scopes nest, so a sorted list
    with parent links answers "what encloses byte N" without tree-sitter parent walks."""

    __slots__ = ("_node", "_locate", "kind", "start", "end", "parent", "is_function", "resolved", "declared")

    def __init__(self, node: Node | None, place: tuple[int, int, str] | None = None,
                 locate: Callable[[int, int, str], Node] | None = None):
        """`place` (start, end, type) and `locate`, for a scope known by place only (the language
        server carries a block over from the previous version): its node is found only if something
        reads it, and most edits read one block."""
        self._node = node
        self._locate = locate
        if place is None:  # read once: every tree-sitter attribute access costs a C call
            self.start, self.end, self.kind = node.start_byte, node.end_byte, node.type
        else:
            self.start, self.end, self.kind = place
        self.parent: Scope | None = None
        self.is_function = self.kind in FUNCTION_TYPES
        self.resolved: dict[str, Binding | None] | None = None  # name -> what it means here (memo of `resolve`)
        self.declared: dict[str, Binding] | None = None  # a block's own declarations, once read

    @property
    def node(self) -> Node:
        node = self._node
        if node is None:
            node = self._node = self._locate(self.start, self.end, self.kind)
        return node


class Binding(NamedTuple):
    """What a name means where it is read. Immutable: a named tuple rather than a frozen dataclass,
    whose `__init__` costs several times as much, since the module builds one per declaration and
    the language server one per top-level name at each edit (`incremental._carry_declarations`)."""

    kind: str  # function | class | instance | import | object | promisified | value | param
    node: Node | None = None  # the function, class or object literal; the initial value otherwise
    module: str = ""  # for imports: the module specifier ("node:" prefix removed)
    imported: str = ""  # for imports: "default", "*" or the exported name
    constructor: str = ""  # for instances: the dotted name after `new` (or before `.from(...)`)


class _Fields:
    """One grammar's ids of the fields the module reads most: `child_by_field_id` skips the search
    by name (string comparisons in tree-sitter) that `child_by_field_name` makes at every call."""

    __slots__ = ("function", "property", "object", "name", "value", "key", "constructor", "declaration", "source",
                 "left", "right", "alias", "parameters", "parameter", "pattern", "body", "initializer")

    def __init__(self, language) -> None:
        for name in self.__slots__:
            field = language.field_id_for_name(name)
            if field is None:  # a grammar upgrade that renamed one: fail at import, not mid-analysis
                raise ImportError(f"the JavaScript grammar has no field {name!r}")
            setattr(self, name, field)


_FIELDS = {name: _Fields(language) for name, language in parser.LANGUAGES.items()}


def _module_name(specifier: str) -> str:
    return specifier[5:] if specifier.startswith("node:") else specifier


@dataclass
class Nodes:
    """What `_QUERY` lists: calls, `new`s and functions by start byte (the outer first between equal
    starts), the nodes that declare names, and the start bytes of the calls and `new`s."""

    calls: list[Node]
    news: list[Node]
    functions: list[Node]
    scopes: list[Node]
    call_starts: list[int]
    new_starts: list[int]
    # scopes known by place only, (start, end, type), with how to find one's node (see `Scope`)
    placed_scopes: list[tuple[int, int, str]] = field(default_factory=list)
    locate: Callable[[int, int, str], Node] | None = None


def query_nodes(language: str, root: Node, byte_range: tuple[int, int] | None = None) -> Nodes:
    """Every node `_QUERY` finds under `root` (or only those inside `byte_range`: the language
    server carries the others over from the previous version, see `javascript.incremental`)."""
    found = parser.captures(language, _QUERY, root, byte_range)
    if byte_range is not None:
        low, high = byte_range
        found = {kind: [n for n in nodes if n.start_byte >= low and n.end_byte <= high] for kind, nodes in found.items()}
    calls, call_starts = _by_start(found.get("call", []))
    news, new_starts = _by_start(found.get("new", []))
    functions, _ = _by_start(found.get("fn", []))
    return Nodes(calls, news, functions, found.get("scope", []), call_starts, new_starts)


def _by_start(nodes: list[Node]) -> tuple[list[Node], list[int]]:
    """`nodes` sorted by start byte, the outer first where two start together (`a().b()` before
    `a()`), and their starts. tree-sitter returns such nodes in either order from one parse to the
    next: without the tie-break, whatever reads the calls in order (a first-seen piece of evidence)
    could differ between two runs over one text. The query finds them by start almost always, so
    only the nodes that start together are looked at then (reading a node's bytes is not free)."""
    starts = [n.start_byte for n in nodes]
    if starts != sorted(starts):
        nodes = sorted(nodes, key=_outer_first)
        return nodes, [n.start_byte for n in nodes]
    ties = list(compress(range(1, len(starts)), map(eq, starts, islice(starts, 1, None))))
    if ties:  # method chains, mostly: runs of nodes that start together, each ordered outer first
        nodes = list(nodes)
        run_start = ties[0] - 1
        for before, index in zip(ties, [*ties[1:], -1]):
            if index != before + 1:  # the run ends at `before`
                run = nodes[run_start:before + 1]
                run.sort(key=_minus_end)
                nodes[run_start:before + 1] = run
                run_start = index - 1
    return nodes, starts


def _outer_first(node: Node) -> tuple[int, int]:
    return node.start_byte, -node.end_byte


def _minus_end(node: Node) -> int:
    return -node.end_byte


class JsModule:
    # What other modules memoise on a module (the index's summary, the analysis and the rules ask the
    # same questions of it) is set in `__init__`, in one order, and read and reset as attributes: an
    # object whose `__dict__` is read or given keys in varying orders loses CPython's fast attribute
    # look-up, which every method here relies on (~70% slower per `self.x`).

    def __init__(self, source: SourceText, tree: Tree, nodes: Nodes | None = None):
        """`nodes`: what `query_nodes` would find in `tree`, when the caller already knows it."""
        self.source = source
        self.tree = tree
        self.root = tree.root_node
        self._data = source.data
        self.field_ids = _FIELDS[source.language]  # the grammar's field ids: rules and the index read by them too
        self._ascii_text = source.text if source._ascii else None  # byte offsets are its offsets: see `text`
        found = nodes if nodes is not None else query_nodes(source.language, self.root)
        self.calls: list[Node] = found.calls
        self.news: list[Node] = found.news
        self.functions: list[Node] = found.functions
        self._call_starts = found.call_starts
        self._new_starts = found.new_starts
        self._scopes: dict[Node, dict[str, Binding]] = {}
        self._parameters: dict[Node, list[str]] = {}
        self._called: dict[Node, list[Node]] = {}
        self._passed: dict[Node, list[Node]] = {}
        self._fields: dict[Node, dict[str, str]] = {}
        self._callees: dict[Node, Node | None] = {}  # per call: see `callee`
        self._arguments: dict[Node, list[Node]] = {}  # per call: see `arguments`
        self._per_call: dict[Callable, list] = {}  # see `per_call`
        self._mentions_promise: bool | None = None  # see `is_promise_new`
        self._entries_memo = None  # workspace.entries.module_entries
        self._exports_memo = None  # handlers._exports
        self._exported_memo: dict | None = None  # handlers.exported_function
        self._discover_memo: dict | None = None  # handlers.discover
        self._reach_memo: dict = {}  # paths.reach (the editor's memo seeds and reads it)
        self._no_wait_memo = None  # paths.no_wait_assignments
        self._awaited_keys = None  # promises.awaited_keys
        self._promise_news = None  # fate._promise_news
        self._with_resolvers: bool | None = None  # fate.settled_by_executor
        self._mentions_timers = None  # timers._mentions_timers
        self._callers_memo = None  # fixes.javascript.make_async._callers
        self._arguments_memo = None  # fixes.javascript.make_async._named_arguments
        self._incremental_seeded = None  # incremental: the previous version's answers seeded here
        self._incremental_spans = None  # incremental: call ends, function starts and ends
        self._build_scopes([self.root, *self.functions, *found.scopes], found.placed_scopes, found.locate)

    def _build_scopes(self, nodes: list[Node], placed: list[tuple[int, int, str]], locate) -> None:
        # Scopes read their node's bytes once; sorting and nesting then use those, not tree-sitter.
        # `parent` is the innermost open scope (the stack's top), kept in a local: this runs over
        # every function and block of the file at each edit in the editor.
        scopes = [*map(Scope, nodes), *[Scope(None, place, locate) for place in placed]]
        self._scope_list: list[Scope] = sorted(scopes, key=lambda s: (s.start, -s.end))
        stack: list[Scope] = []
        pop, push = stack.pop, stack.append
        parent = None
        for scope in self._scope_list:
            start = scope.start
            while parent is not None and parent.end <= start:
                pop()
                parent = stack[-1] if stack else None
            scope.parent = parent
            push(scope)
            parent = scope
        self._scope_starts = [s.start for s in self._scope_list]

    def innermost_scope(self, byte: int) -> Scope | None:
        index = bisect_right(self._scope_starts, byte) - 1
        scope = self._scope_list[index] if index >= 0 else None
        while scope is not None and byte >= scope.end:
            scope = scope.parent
        return scope

    def enclosing_functions(self, node: Node):
        """The functions around `node`, innermost first (not `node` itself)."""
        scope = self.innermost_scope(node.start_byte)
        while scope is not None:
            if scope.is_function and not (scope.start >= node.start_byte and scope.end <= node.end_byte):
                yield scope.node
            scope = scope.parent

    def enclosing_function(self, node: Node) -> Node | None:
        return next(self.enclosing_functions(node), None)

    def parameters(self, function: Node) -> list[str]:
        names = self._parameters.get(function)
        if names is None:
            names = self._parameters[function] = parameter_names(function, self.text, self.field_ids)
        return names

    # -- text ------------------------------------------------------------------------------

    def text(self, node: Node | None) -> str:
        """A node's source text, sliced from the module's bytes (several times cheaper than
        tree-sitter's `Node.text`, which matters at thousands of calls per analysis)."""
        if node is None:
            return ""
        if self._ascii_text is not None:  # most files: a slice of the text, no bytes to decode
            return self._ascii_text[node.start_byte : node.end_byte]
        return self._data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def dotted(self, node: Node | None) -> str:
        """`dotted_name` on this module's bytes: `a.b.c` for identifier/member chains, else ''."""
        if node is None:
            return ""
        kind = node.type
        if kind in ("identifier", "this", "property_identifier"):
            return self.text(node)
        if kind == "member_expression":
            base = self.dotted(node.child_by_field_id(self.field_ids.object))
            prop = self.text(node.child_by_field_id(self.field_ids.property))
            return f"{base}.{prop}" if base and prop else ""
        return ""

    # -- lookups ---------------------------------------------------------------------------

    def calls_within(self, node: Node) -> list[Node]:
        end = node.end_byte
        lo = bisect_left(self._call_starts, node.start_byte)
        hi = bisect_right(self._call_starts, end - 1)
        return [c for c in self.calls[lo:hi] if c.end_byte <= end]

    def callee(self, call: Node) -> Node | None:
        """`call.child_by_field_name("function")`, read once: the index, the call graph, promise
        knowledge and the rules each ask it of every call (a field lookup by name costs a string
        search in tree-sitter)."""
        found = self._callees.get(call, _UNREAD)
        if found is _UNREAD:
            found = self._callees[call] = call.child_by_field_id(self.field_ids.function)
        return found

    def arguments(self, call: Node) -> list[Node]:
        """`call_arguments(call)`, read once per call (shared: do not change the list)."""
        found = self._arguments.get(call)
        if found is None:
            found = self._arguments[call] = call_arguments(call)
        return found

    def calls_to_methods(self, names: frozenset[str], plain: bool = False) -> list[Node]:
        """The calls (in order) of a method named in `names` — `x.forEach(...)`, `(a.b).on(...)`, the
        callee read through `unwrap` — and, with `plain`, every call whose callee is no member
        expression. Rules that would skip any other call at once ask this instead of reading
        each call's callee again (several rules, thousands of calls per analysis)."""
        return [call for call, method in zip(self.calls, self.per_call(JsModule._method))
                if method in names or (method is None and plain) or method is _UNREAD]

    def per_call(self, read: Callable[["JsModule", Node], Any]) -> list:
        """`read(self, call)` for each call, in order, read once per module. `read` must depend only on
        the call's own syntax outside the statement blocks in it (its callee, its arguments' kinds):
        the language server carries the answers for the calls outside an edit over to the next
        version (`javascript.incremental`). So they are plain values, never nodes."""
        answers = self._per_call.get(read)
        if answers is None:
            answers = self._per_call[read] = [read(self, call) for call in self.calls]
        return answers

    def _method(self, call: Node) -> str | None:
        """The property text of a member callee, None for other callees; `_UNREAD` when the call
        has no callee (error recovery): the rule itself then reads it, as it would otherwise."""
        callee = self.callee(call)
        if callee is None:
            return _UNREAD
        callee = unwrap(callee)
        if callee.type != "member_expression":
            return None
        return self.text(callee.child_by_field_id(self.field_ids.property))

    def is_promise_new(self, new: Node) -> bool:
        """`new Promise(...)`: asked of every `new` on a handler path; a file that never spells
        "Promise" answers without reading each constructor."""
        if self._mentions_promise is None:
            self._mentions_promise = b"Promise" in self._data
        return self._mentions_promise and self.dotted(new.child_by_field_id(self.field_ids.constructor)) == "Promise"

    def spells(self, node: Node, words: tuple[bytes, ...]) -> bool:
        """Whether the source of `node` contains any of `words` (a byte search, no node walked)."""
        found = self._data.find
        return any(found(word, node.start_byte, node.end_byte) >= 0 for word in words)

    def mentions_with_resolvers(self) -> bool:
        """Whether the file spells `withResolvers` (`Promise.withResolvers()` settlers; once per module)."""
        if self._with_resolvers is None:
            self._with_resolvers = b"withResolvers" in self._data
        return self._with_resolvers

    def news_within(self, node: Node) -> list[Node]:
        end = node.end_byte
        lo = bisect_left(self._new_starts, node.start_byte)
        hi = bisect_right(self._new_starts, end - 1)
        return [c for c in self.news[lo:hi] if c.end_byte <= end]

    @property
    def module_scope(self) -> dict[str, Binding]:
        return self.scope(self.root)

    def declaring_blocks(self) -> list[Node]:
        """The program and every block: the only scopes whose declarations (`scope`) bind imports."""
        return [s.node for s in self._scope_list if s.kind in _SCOPE_TYPES]

    def resolve(self, name: str, at: Node) -> Binding | None:
        """What `name` means at node `at`: the nearest declaration going outwards."""
        return self._resolve_in(name, self.innermost_scope(at.start_byte))

    def _resolve_in(self, name: str, scope: Scope | None) -> Binding | None:
        """Walks outwards; every scope passed on the way remembers the answer (a loop, not
        recursion: this runs for nearly every call and identifier the rules look at)."""
        passed = []
        result = None
        while scope is not None:
            memo = scope.resolved
            if memo is None:
                memo = scope.resolved = {}
            elif name in memo:
                result = memo[name]
                break
            passed.append(memo)
            result = self._declared_in(scope, name)
            if result is not None:
                break
            scope = scope.parent
        for memo in passed:
            memo[name] = result
        return result

    def _declared_in(self, scope: Scope, name: str) -> Binding | None:
        kind = scope.kind
        if kind in _SCOPE_TYPES:
            declared = scope.declared
            if declared is None:
                declared = scope.declared = self.scope(scope.node)
            return declared.get(name)
        node = scope.node
        if scope.is_function:
            if name in self.parameters(node):
                return Binding("param", node)
            if kind in ("function_expression", "function"):
                own = node.child_by_field_id(self.field_ids.name)
                if own is not None and self.text(own) == name:
                    return Binding("function", node)
        elif kind == "catch_clause":
            param = node.child_by_field_id(self.field_ids.parameter)
            if param is not None and self.text(param) == name:
                return Binding("param", node)
        elif kind in ("for_in_statement", "for_statement"):
            left = node.child_by_field_id(self.field_ids.left) or node.child_by_field_id(self.field_ids.initializer)
            declared = self.text(left) if left is not None else None
            # the substring test first: most names a loop's scope is asked about are not in its head
            if declared is not None and name in declared and re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", declared):
                return Binding("value", None)
        return None

    def resolve_expression(self, node: Node) -> Binding | None:
        node = unwrap(node)
        if node.type == "identifier":
            return self.resolve(self.text(node), node)
        return None

    # -- scopes ------------------------------------------------------------------------------

    def scope(self, block: Node) -> dict[str, Binding]:
        cached = self._scopes.get(block)
        if cached is None:
            cached = self._scopes[block] = {}
            for statement in block.named_children:
                self._declare(statement, cached)
        return cached

    def _declare(self, statement: Node, into: dict[str, Binding]) -> None:
        kind = statement.type
        if kind == "export_statement":
            declaration = statement.child_by_field_id(self.field_ids.declaration)
            if declaration is not None:
                self._declare(declaration, into)
        elif kind in ("function_declaration", "generator_function_declaration"):
            name = statement.child_by_field_id(self.field_ids.name)
            if name is not None:
                into[self.text(name)] = Binding("function", statement)
        elif kind in CLASS_TYPES:
            name = statement.child_by_field_id(self.field_ids.name)
            if name is not None:
                into[self.text(name)] = Binding("class", statement)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                if declarator.type == "variable_declarator":
                    self._declare_variable(declarator, into)
        elif kind == "import_statement":
            self._declare_import(statement, into)

    def _declare_variable(self, declarator: Node, into: dict[str, Binding]) -> None:
        name = declarator.child_by_field_id(self.field_ids.name)
        value = declarator.child_by_field_id(self.field_ids.value)
        if name is None:
            return
        if name.type == "identifier":
            into[self.text(name)] = self.binding_for_value(value)
        elif name.type == "object_pattern" and value is not None:
            source = self._required_module(unwrap(value))
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    local, imported = self.text(prop), self.text(prop)
                elif prop.type == "pair_pattern":
                    key, bound = prop.child_by_field_id(self.field_ids.key), prop.child_by_field_id(self.field_ids.value)
                    if bound is None or bound.type != "identifier":
                        continue
                    local, imported = self.text(bound), self.text(key)
                else:
                    continue
                if source is not None:
                    module, base = source
                    if base != "*":  # const { x } = require('m').y
                        module = f"{module}#{base}"
                    into[local] = Binding("import", value, module=module, imported=imported)
                else:
                    into[local] = Binding("value", value)

    def _declare_import(self, statement: Node, into: dict[str, Binding]) -> None:
        module = _module_name(string_value(statement.child_by_field_id(self.field_ids.source), self.text) or "")
        for local, imported in import_names(statement, self.text):
            into[local] = Binding("import", statement, module=module, imported=imported)

    def _required_module(self, value: Node) -> tuple[str, str] | None:
        """`require('m')` → ('m', '*'); `require('m').x` → ('m', 'x'); else None."""
        if value.type == "await_expression" and value.named_child_count:
            value = unwrap(value.named_children[0])
        if value.type == "call_expression" and self.text(value.child_by_field_id(self.field_ids.function)) == "require":
            args = call_arguments(value)
            specifier = string_value(args[0], self.text) if args else None
            if specifier is not None:
                return _module_name(specifier), "*"
        if value.type == "member_expression":
            inner = self._required_module(unwrap(value.child_by_field_id(self.field_ids.object)))
            if inner is not None and inner[1] == "*":
                return inner[0], self.text(value.child_by_field_id(self.field_ids.property))
        return None

    def binding_for_value(self, value: Node | None) -> Binding:
        if value is None:
            return Binding("value", None)
        value = unwrap(value)
        kind = value.type
        if kind in FUNCTION_TYPES:
            return Binding("function", value)
        if kind in CLASS_TYPES:
            return Binding("class", value)
        if kind == "object":
            return Binding("object", value)
        required = self._required_module(value)
        if required is not None:
            return Binding("import", value, module=required[0], imported=required[1])
        if kind == "new_expression":
            return Binding("instance", value, constructor=self.dotted(value.child_by_field_id(self.field_ids.constructor)))
        if kind == "call_expression":
            callee = value.child_by_field_id(self.field_ids.function)
            name = self.dotted(callee)
            if name == "promisify" or name.endswith(".promisify"):
                return Binding("promisified", value)
            if name.endswith(".from") or name.endswith(".create"):  # DynamoDBDocumentClient.from(), axios.create()
                return Binding("instance", value, constructor=name.rsplit(".", 1)[0])
        return Binding("value", value)

    # -- classes and objects ---------------------------------------------------------------

    def member_function(self, container: Node, name: str, static: bool | None = None) -> Node | None:
        """The method `name` of a class or object literal (methods, arrow fields, pairs); for a class,
        only static members (`Cls.name()`) or only instance members (`obj.name()`) when `static` says."""
        if container.type in CLASS_TYPES:
            members = container.child_by_field_id(self.field_ids.body)
            for member in members.named_children if members is not None else ():
                if static is not None and _is_static(member) != static:
                    continue
                if member.type == "method_definition" and self.text(member.child_by_field_id(self.field_ids.name)) == name:
                    return member
                if member.type in FIELD_TYPES:
                    key = member.child_by_field_id(self.field_ids.property) or member.child_by_field_id(self.field_ids.name)
                    value = member.child_by_field_id(self.field_ids.value)
                    if self.text(key) == name and value is not None and unwrap(value).type in FUNCTION_TYPES:
                        return unwrap(value)
            return None
        if container.type == "object":
            for member in container.named_children:
                if member.type == "method_definition" and self.text(member.child_by_field_id(self.field_ids.name)) == name:
                    return member
                if member.type == "pair" and self.text(member.child_by_field_id(self.field_ids.key)).strip("'\"") == name:
                    value = unwrap(member.child_by_field_id(self.field_ids.value))
                    if value.type in FUNCTION_TYPES:
                        return value
                    if value.type == "identifier":
                        bound = self.resolve(self.text(value), value)
                        if bound is not None and bound.kind == "function":
                            return bound.node
        return None

    def static_context(self, node: Node) -> bool:
        """Is `node` (a `this`) inside a static method or static field initialiser?"""
        current = node.parent
        while current is not None and current.type not in CLASS_TYPES:
            if current.parent is not None and current.parent.type == "class_body":
                return _is_static(current)
            current = current.parent
        return False

    def enclosing_class(self, node: Node) -> Node | None:
        return enclosing(node, CLASS_TYPES)

    def local_class(self, constructor: str, at: Node) -> Node | None:
        if not constructor or "." in constructor:
            return None
        bound = self.resolve(constructor, at)
        return bound.node if bound is not None and bound.kind == "class" else None

    def functions_called(self, call: Node) -> list[Node]:
        """Functions in this file that a call (or `new`) may run: the call graph's edges."""
        called = self._called.get(call)
        if called is None:
            called = self._called[call] = self._functions_called(call)
        return called

    def passed_functions(self, call: Node) -> list[Node]:
        """Functions of this file handed to a call by name (`items.forEach(save)`): it may run them."""
        passed = self._passed.get(call)
        if passed is None:
            passed = self._passed[call] = []
            for argument in self.arguments(call):
                argument = unwrap(argument)
                if argument.type == "identifier":
                    bound = self.resolve(self.text(argument), argument)
                    if bound is not None and bound.kind == "function":
                        passed.append(bound.node)
        return passed

    def _functions_called(self, call: Node) -> list[Node]:
        if call.type == "new_expression":
            cls = self.local_class(self.dotted(call.child_by_field_id(self.field_ids.constructor)), call)
            ctor = self.member_function(cls, "constructor") if cls is not None else None
            return [ctor] if ctor is not None else []
        callee = unwrap(self.callee(call))
        if callee.type == "identifier":
            bound = self.resolve(self.text(callee), callee)
            if bound is not None and bound.kind == "function":
                return [bound.node]
            return []
        if callee.type != "member_expression":
            return []
        obj = unwrap(callee.child_by_field_id(self.field_ids.object))
        prop = self.text(callee.child_by_field_id(self.field_ids.property))
        if obj.type == "this":
            cls = self.enclosing_class(callee)
            method = self.member_function(cls, prop, self.static_context(obj)) if cls is not None else None
            return [method] if method is not None else []
        if obj.type == "identifier":  # resolved once: what `receiver_class` would read from it too
            name = self.text(obj)
            bound = self.resolve(name, obj)
            kind = bound.kind if bound is not None else ""
            if kind in ("class", "object"):
                container, static = bound.node, (True if kind == "class" else None)
            elif kind == "instance":  # `svc.run()`
                container, static = self.local_class(bound.constructor, obj), False
            elif kind == "param" and bound.node is not None:  # `(repo: Repo) => repo.save()`
                container, static = self.local_class(self._parameter_type(bound.node, name), obj), False
            else:
                return []
        else:  # an instance field: `this.repo.save()`
            container, static = self.local_class(self.receiver_class(obj), obj), False
        method = self.member_function(container, prop, static) if container is not None else None
        return [method] if method is not None else []

    # -- what class an object is an instance of --------------------------------------------

    def receiver_class(self, obj: Node) -> str:
        """The class name of the object a method is called on, when the code says it: an instance
        (`new Repo()`), a typed parameter (`repo: Repo`), or a field of the enclosing class set with
        `new`, typed, or a TypeScript parameter property (`constructor(private repo: Repo)`)."""
        obj = unwrap(obj)
        if obj.type == "identifier":
            bound = self.resolve(self.text(obj), obj)
            if bound is None:
                return ""
            if bound.kind == "instance":
                return bound.constructor
            if bound.kind == "param" and bound.node is not None:
                return self._parameter_type(bound.node, self.text(obj))
            return ""
        if obj.type == "member_expression" and unwrap(obj.child_by_field_id(self.field_ids.object)).type == "this":
            cls = self.enclosing_class(obj)
            return self.class_fields(cls).get(self.text(obj.child_by_field_id(self.field_ids.property)), "") if cls is not None else ""
        return ""

    def _parameter_type(self, function: Node, name: str) -> str:
        for param in parameter_nodes(function):
            if param.type in ("required_parameter", "optional_parameter"):
                pattern = param.child_by_field_name("pattern")
                if pattern is not None and self.text(pattern) == name:
                    return self.type_name(param.child_by_field_name("type"))
        return ""

    def type_name(self, annotation: Node | None) -> str:
        """`Repo` for `: Repo`, `: Repo<T>`, `: Repo | undefined`; '' for anything else."""
        if annotation is None:
            return ""
        node = annotation.named_children[0] if annotation.type == "type_annotation" and annotation.named_children else annotation
        if node.type == "union_type" and node.named_children:
            node = node.named_children[0]
        if node.type == "generic_type":
            node = node.child_by_field_name("name") or node
        return self.text(node) if node.type in ("type_identifier", "nested_type_identifier") else ""

    def class_fields(self, cls: Node) -> dict[str, str]:
        """Field name → class name for the fields of `cls` the code types or sets with `new`."""
        fields = self._fields.get(cls)
        if fields is not None:
            return fields
        fields = self._fields[cls] = {}
        members = cls.child_by_field_name("body")
        for member in members.named_children if members is not None else ():
            if member.type in FIELD_TYPES:
                key = member.child_by_field_name("property") or member.child_by_field_name("name")
                value = member.child_by_field_name("value")
                kind = self.type_name(member.child_by_field_name("type"))
                if not kind and value is not None and unwrap(value).type == "new_expression":
                    kind = self.dotted(unwrap(value).child_by_field_name("constructor"))
                if key is not None and kind:
                    fields[self.text(key)] = kind
            elif member.type == "method_definition" and self.text(member.child_by_field_name("name")) == "constructor":
                for param in parameter_nodes(member):
                    modified = any(c.type in ("accessibility_modifier", "readonly", "override_modifier") for c in param.children)
                    pattern = param.child_by_field_name("pattern")
                    kind = self.type_name(param.child_by_field_name("type"))
                    if modified and pattern is not None and pattern.type == "identifier" and kind:
                        fields[self.text(pattern)] = kind
        if b"this." in self._data[cls.start_byte : cls.end_byte]:
            for assignment in descendants(cls, frozenset({"assignment_expression"})):
                left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
                if left is None or right is None or left.type != "member_expression":
                    continue
                if unwrap(left.child_by_field_name("object")).type != "this":
                    continue
                name, right = self.text(left.child_by_field_name("property")), unwrap(right)
                kind = ""
                if right.type == "new_expression":
                    kind = self.dotted(right.child_by_field_name("constructor"))
                elif right.type == "identifier":  # this.repo = repo, with `repo: Repo` a parameter
                    function = self.enclosing_function(assignment)
                    kind = self._parameter_type(function, self.text(right)) if function is not None else ""
                if kind:
                    fields.setdefault(name, kind)
        return fields


def _is_static(member: Node) -> bool:
    return any(child.type == "static" for child in member.children)
