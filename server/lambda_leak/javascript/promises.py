"""Which expressions make a promise, known without type information.

The answer comes from the callee: async functions in the file (or imported from the
project), functions that return promises, `.then/.catch/.finally`, Promise combinators,
fetch, axios, AWS SDK v3 `send` and v2 `.promise()`, `fs/promises`, `timers/promises`,
`stream/promises`, `util.promisify` results, and names the user lists in config.
"""

from __future__ import annotations

import os
import re

from tree_sitter import Node

from lambda_leak.javascript.module import Binding, JsModule
from lambda_leak.javascript.syntax import (
    body,
    descendants,
    is_async,
    outermost,
    unwrap,
)

CHAIN_METHODS = frozenset({"then", "catch", "finally"})
COMBINATORS = frozenset({"all", "allSettled", "race", "any"})
PROMISE_STATICS = COMBINATORS | {"resolve", "reject"}
AXIOS_METHODS = frozenset(
    {"get", "post", "put", "delete", "patch", "head", "options", "request", "postForm", "putForm", "patchForm"}
)
_JSDOC_PROMISE = re.compile(r"@returns?\s*\{\s*(?:Promise|PromiseLike)\b")
_DECLARATION_TYPES = frozenset(
    {"variable_declarator", "lexical_declaration", "variable_declaration", "export_statement", "pair",
     "public_field_definition", "field_definition", "assignment_expression", "expression_statement"}
)
# Methods whose promise the engine knows by itself (SDK v3 `send`, v2 `.promise()`, chains, combinators).
_KNOWN_PROMISE_METHODS = frozenset({"send", "promise", "then", "catch", "finally", "all", "allSettled", "race", "any"})
PROMISE_MODULES = frozenset({"fs/promises", "timers/promises", "stream/promises", "dns/promises", "readline/promises"})


OUTSIDE = "outside"  # a dependency on something other than one function's code


class PromiseKnowledge:
    def __init__(self, module: JsModule, extra_names: tuple[str, ...] = (), imported_async=None, awaited_elsewhere=None):
        self.module = module
        self.extra_names = frozenset(extra_names)
        # imported_async(binding) -> bool: does an import name an async function of the project?
        self.imported_async = imported_async
        # awaited_elsewhere(key) -> "src/x.ts:42" | None: where another file of the project awaits that callee
        self.awaited_elsewhere = awaited_elsewhere
        self.evidence: dict[Node, str] = {}  # call -> where the same callee is awaited (consistency evidence)
        self._awaited: dict[str, int] | None = None
        self._returns_cache: dict[Node, bool] = {}
        self._mentions_returns: bool | None = None  # the file spells `@return` (see `_jsdoc_promise`)
        self._calls_cache: dict[Node, bool] = {}
        # What each answer rests on, kept only for the language server (`track`), which re-uses a
        # call's answer in the next version when none of it changed (javascript/incremental.py):
        # the functions whose code decided it, or OUTSIDE when the workspace or the whole file did.
        self.track = False
        self.call_deps: dict[Node, set] = {}
        self._function_deps: dict[Node, set] = {}
        self._frames: list[set] = []
        self._in_progress: set[Node] = set()
        self.cyclic = False  # a recursion was cut short: answers may depend on the order of questions

    # -- public questions --------------------------------------------------------------------

    def makes_promise(self, node: Node) -> bool:
        node = unwrap(node)
        if node.type == "call_expression":
            return self.call_makes_promise(node)
        if node.type == "new_expression":
            return self.module.is_promise_new(node)
        return False

    def answered(self, call: Node) -> bool:
        """Is `call_makes_promise(call)` known already? Asking it again then changes nothing."""
        return call in self._calls_cache

    def call_makes_promise(self, call: Node) -> bool:
        known = self._calls_cache.get(call)
        if known is None:
            if not self.track:
                known = self._calls_cache[call] = self._call_makes_promise(call)
                return known
            self._frames.append(set())
            try:
                known = self._calls_cache[call] = self._call_makes_promise(call)
            finally:
                self._depend(self.call_deps.setdefault(call, self._frames.pop()))
        elif self.track:
            self._depend(self.call_deps.get(call, {OUTSIDE}))
        return known

    def _depend(self, on) -> None:
        """The answer being computed rests on `on` (functions, or OUTSIDE) too."""
        if self._frames:
            self._frames[-1].update(on)

    def _call_makes_promise(self, call: Node) -> bool:
        callee = unwrap(self.module.callee(call))
        if self.extra_names:
            name = self.module.dotted(callee)
            if name and name in self.extra_names:
                return True
        if callee.type == "identifier":
            return self._identifier_call(self.module.text(callee), callee)
        if callee.type == "member_expression":
            return self._member_call(callee, call) or self._consistent(callee, call)
        return False

    def _consistent(self, callee: Node, call: Node) -> bool:
        """A method of code we cannot see (a package's class) that the project awaits elsewhere."""
        if self.module.text(callee.child_by_field_name("property")) in CHAIN_METHODS:
            return False
        key = callee_key(self.module, callee)
        if not key:
            return False
        if self._awaited is None:
            self._awaited = awaited_keys(self.module)
        line = self._awaited.get(key)
        self._depend((OUTSIDE,))  # what the whole file and the project await
        if line is not None and line != call.start_point[0]:  # not the call itself (`x.m().then(…)`)
            self.evidence[call] = f"{display_path(self.module.source.path)}:{line + 1}"
            return True
        where = self.awaited_elsewhere(key) if self.awaited_elsewhere is not None else None
        if where:
            self.evidence[call] = where
            return True
        return False

    def function_returns_promise(self, function: Node) -> bool:
        """async, annotated `: Promise<…>`, or every-so-often returning a promise expression."""
        if is_async(function):
            if self.track:
                self._depend((function,))
            return True
        cached = self._returns_cache.get(function)
        if cached is not None:
            if self.track:
                if function in self._in_progress:
                    self.cyclic = True
                self._depend(self._function_deps.get(function, (OUTSIDE,)))
            return cached
        if self.track:
            self._in_progress.add(function)
            self._frames.append({function})
            try:
                return self._function_returns_promise(function)
            finally:
                self._in_progress.discard(function)
                self._depend(self._function_deps.setdefault(function, self._frames.pop()))
        return self._function_returns_promise(function)

    def _function_returns_promise(self, function: Node) -> bool:
        self._returns_cache[function] = False  # recursion guard
        result = False
        annotation = function.child_by_field_name("return_type")
        if annotation is not None and self.module.text(annotation).lstrip(": ").startswith("Promise<"):
            result = True
        elif self._jsdoc_promise(function):
            result = True
        else:
            function_body = body(function)
            if function_body is not None and function_body.type != "statement_block":
                result = self.makes_promise(function_body)
            elif function_body is not None and _may_return(self.module, function_body):
                for ret in descendants(function_body, frozenset({"return_statement"}), stop_at_functions=True):
                    value = next((c for c in ret.named_children if c.type != "comment"), None)
                    if value is not None and self.makes_promise(value):
                        result = True
                        break
        self._returns_cache[function] = result
        return result

    def _jsdoc_promise(self, function: Node) -> bool:
        """A JSDoc block right above the function says `@returns {Promise<…>}`."""
        if self._mentions_returns is None:  # most files have no such comment: no walk up to find one
            self._mentions_returns = b"@return" in self.module.source.data
        if not self._mentions_returns:
            return False
        node = function
        while node.parent is not None and node.parent.type in _DECLARATION_TYPES:
            node = node.parent
        comment = node.prev_named_sibling
        return (
            comment is not None
            and comment.type == "comment"
            and comment.end_point[0] + 1 >= node.start_point[0]
            and _JSDOC_PROMISE.search(self.module.text(comment)) is not None
        )

    # -- callee kinds ----------------------------------------------------------------------

    def _identifier_call(self, name: str, callee: Node) -> bool:
        bound = self.module.resolve(name, callee)
        if bound is None:
            return name == "fetch"
        return self._binding_call(bound, callee)

    def _binding_call(self, bound: Binding, at: Node) -> bool:
        if bound.kind == "function":
            return self.function_returns_promise(bound.node)
        if bound.kind == "promisified":
            return True
        if bound.kind == "import":
            if _promise_api(bound):
                return True
            if bound.module == "axios" and bound.imported in ("default", "*"):
                return True
            self._depend((OUTSIDE,))  # the project's other files
            return bool(self.imported_async and self.imported_async(bound, None))
        if bound.kind == "instance":
            return self._is_axios(bound.constructor, at)  # api = axios.create(); api(config)
        return False

    def _member_call(self, callee: Node, call: Node) -> bool:
        obj = unwrap(callee.child_by_field_name("object"))
        prop = self.module.text(callee.child_by_field_name("property"))
        if prop in CHAIN_METHODS:
            return True
        if obj.type == "identifier" and self.module.text(obj) == "Promise":
            return prop in PROMISE_STATICS
        if prop == "promise" and not _has_arguments(call):  # AWS SDK v2: s3.getObject(p).promise()
            return True
        if obj.type == "this":
            cls = self.module.enclosing_class(callee)
            static = self.module.static_context(obj)
            method = self.module.member_function(cls, prop, static) if cls is not None else None
            return method is not None and self.function_returns_promise(method)
        if obj.type == "member_expression":  # fs.promises.readFile(...)
            inner_obj = unwrap(obj.child_by_field_name("object"))
            if self.module.text(obj.child_by_field_name("property")) == "promises" and inner_obj.type == "identifier":
                bound = self.module.resolve(self.module.text(inner_obj), inner_obj)
                return bound is not None and bound.kind == "import" and bound.module == "fs"
            if inner_obj.type == "this":  # this.notifications.trigger(...)
                return self._instance_call(self.module.receiver_class(obj), prop, obj)
            return False
        if obj.type != "identifier":
            return False
        bound = self.module.resolve(self.module.text(obj), obj)
        if bound is None:
            return False
        if bound.kind == "import":
            if _promise_api(bound):
                return True
            if bound.module == "axios":
                return prop in AXIOS_METHODS
            self._depend((OUTSIDE,))
            return bool(self.imported_async and self.imported_async(bound, prop))
        if bound.kind in ("instance", "param"):
            return self._instance_call(self.module.receiver_class(obj), prop, obj)
        if bound.kind in ("class", "object"):
            method = self.module.member_function(bound.node, prop, True if bound.kind == "class" else None)
            return method is not None and self.function_returns_promise(method)
        return False

    def _instance_call(self, constructor: str, prop: str, at: Node) -> bool:
        """`obj.prop()` on an instance of `constructor` (a class of this file, of the project, or the SDK)."""
        if not constructor:
            return False
        if prop == "send" and self._is_aws_sdk_v3(constructor, at):
            return True
        if prop in AXIOS_METHODS and self._is_axios(constructor, at):
            return True
        cls = self.module.local_class(constructor, at)
        method = self.module.member_function(cls, prop, static=False) if cls is not None else None
        if method is None and self.imported_async and "." not in constructor:
            self._depend((OUTSIDE,))
            imported = self.module.resolve(constructor, at)  # new Repo() of './repo'
            if imported is not None and imported.kind == "import":
                return bool(self.imported_async(imported, prop))
        return method is not None and self.function_returns_promise(method)

    def _root_import(self, dotted: str, at: Node) -> Binding | None:
        head = dotted.split(".", 1)[0]
        if not head:
            return None
        bound = self.module.resolve(head, at)
        return bound if bound is not None and bound.kind == "import" else None

    def _is_aws_sdk_v3(self, constructor: str, at: Node) -> bool:
        bound = self._root_import(constructor, at)
        return bound is not None and bound.module.startswith("@aws-sdk/")

    def _is_axios(self, constructor: str, at: Node) -> bool:
        bound = self._root_import(constructor, at)
        return bound is not None and bound.module == "axios"


def _may_return(module: JsModule, block: Node) -> bool:
    """Can a `return` statement be in `block`? Not when its text never spells one (and its syntax
    is whole): the walk that looks for them is then skipped."""
    return block.has_error or b"return" in module.source.data[block.start_byte : block.end_byte]


def _has_arguments(call: Node) -> bool:
    args = call.child_by_field_name("arguments")
    return args is not None and args.named_child_count > 0


def _promise_api(bound: Binding) -> bool:
    """Imports of Node's promise APIs: `fs/promises`, `require('fs').promises`, `{ promises } from 'fs'`."""
    module = bound.module
    return module in PROMISE_MODULES or module.endswith("#promises") or bound.imported == "promises"


def display_path(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def callee_key(module: JsModule, callee: Node) -> str:
    """A name for the method a member call runs that is the same wherever the project calls it:
    `Redis.get` for an instance of a class the code names (`new Redis()`, `redis: Redis`), the
    package import for `import cache from 'cache-lib'`, and for a field or module variable of
    unknown class the class or file it belongs to. '' when the callee is the project's own code
    (its source decides) or too vague to compare (a local variable, a computed receiver)."""
    obj = unwrap(callee.child_by_field_name("object"))
    prop = module.text(callee.child_by_field_name("property"))
    if not prop:
        return ""
    root = obj
    while root.type == "member_expression":
        root = unwrap(root.child_by_field_name("object"))
    if root.type == "identifier" and module.resolve(module.text(root), root) is None:
        return ""  # a global (`console.log`, `JSON.parse`): nothing of the project to compare
    if root.type not in ("identifier", "this"):
        return ""
    kind = module.receiver_class(obj)
    if kind:
        if module.local_class(kind, obj) is not None or _project_import(module, kind.split(".")[0], obj):
            return ""
        head = module.resolve(kind.split(".")[0], obj)  # express's `Response` is not fetch's
        origin = f"{head.module}:{head.imported}" if head is not None and head.kind == "import" else "global"
        return f"{origin}:{kind}.{prop}"
    dotted = module.dotted(obj)
    if not dotted:
        return ""
    head = dotted.split(".", 1)[0]
    if head == "this":
        cls = module.enclosing_class(obj)
        name = cls.child_by_field_name("name") if cls is not None else None
        return f"{module.source.path}#{module.text(name)}#{dotted}.{prop}" if name is not None and "." in dotted else ""
    bound = module.resolve(head, obj)
    if bound is None:
        return ""
    if bound.kind == "import":
        if _project_import(module, head, obj):
            return ""
        return f"import:{bound.module}:{bound.imported}:{dotted.partition('.')[2]}.{prop}"
    if bound.kind in ("instance", "value") and module.module_scope.get(head) is bound:
        return f"{module.source.path}#{dotted}.{prop}"
    return ""


def _project_import(module: JsModule, name: str, at: Node) -> bool:
    bound = module.resolve(name, at)
    return bound is not None and bound.kind == "import" and bound.module.startswith((".", "/"))


def awaited_keys(module: JsModule) -> dict[str, int]:
    """Callee keys this file awaits, `.then`s or hands to an awaited combinator, with the first line
    (memoised on the module: the index and the analysis both ask)."""
    memo = module._awaited_keys
    if memo is not None:
        return memo
    found: dict[str, int] = {}
    module._awaited_keys = found
    data = module.source.data
    if b"await" not in data and b".then(" not in data:
        return found
    for call in module.calls:
        callee = module.callee(call)
        if callee is None or callee.type != "member_expression":
            continue
        if module.text(callee.child_by_field_name("property")) in _KNOWN_PROMISE_METHODS:
            continue  # known without evidence: no other file needs to learn it from here
        if not _waited_directly(call):  # last: it walks up the tree
            continue
        key = callee_key(module, callee)
        if key and key not in found:
            found[key] = call.start_point[0]
    return found


def _waited_directly(call: Node) -> bool:
    """`await call` or `call.then(...)`: what the code does with a promise, and only with one."""
    current = outermost(call)
    parent = current.parent
    if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == current:
        prop = parent.child_by_field_name("property")
        return prop is not None and prop.text in (b"then", b"catch", b"finally")
    return parent is not None and parent.type == "await_expression"
