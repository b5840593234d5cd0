"""Which expressions make a promise, known without type information.

The answer comes from the callee: async functions in the file (or imported from the
project), functions that return promises, `.then/.catch/.finally`, Promise combinators,
fetch, axios, AWS SDK v3 `send` and v2 `.promise()`, `fs/promises`, `timers/promises`,
`stream/promises`, `util.promisify` results, and names the user lists in config.
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.javascript.module import Binding, JsModule
from lambda_leak.javascript.syntax import (
    body,
    descendants,
    is_async,
    unwrap,
)

CHAIN_METHODS = frozenset({"then", "catch", "finally"})
COMBINATORS = frozenset({"all", "allSettled", "race", "any"})
PROMISE_STATICS = COMBINATORS | {"resolve", "reject"}
AXIOS_METHODS = frozenset(
    {"get", "post", "put", "delete", "patch", "head", "options", "request", "postForm", "putForm", "patchForm"}
)
PROMISE_MODULES = frozenset({"fs/promises", "timers/promises", "stream/promises", "dns/promises", "readline/promises"})


class PromiseKnowledge:
    def __init__(self, module: JsModule, extra_names: tuple[str, ...] = (), imported_async=None):
        self.module = module
        self.extra_names = frozenset(extra_names)
        # imported_async(binding) -> bool: does an import name an async function of the project?
        self.imported_async = imported_async
        self._returns_cache: dict[Node, bool] = {}
        self._calls_cache: dict[Node, bool] = {}

    # -- public questions --------------------------------------------------------------------

    def makes_promise(self, node: Node) -> bool:
        node = unwrap(node)
        if node.type == "call_expression":
            return self.call_makes_promise(node)
        if node.type == "new_expression":
            return self.module.dotted(node.child_by_field_name("constructor")) == "Promise"
        return False

    def call_makes_promise(self, call: Node) -> bool:
        known = self._calls_cache.get(call)
        if known is None:
            known = self._calls_cache[call] = self._call_makes_promise(call)
        return known

    def _call_makes_promise(self, call: Node) -> bool:
        callee = unwrap(call.child_by_field_name("function"))
        name = self.module.dotted(callee)
        if name and name in self.extra_names:
            return True
        if callee.type == "identifier":
            return self._identifier_call(self.module.text(callee), callee)
        if callee.type == "member_expression":
            return self._member_call(callee, call)
        return False

    def function_returns_promise(self, function: Node) -> bool:
        """async, annotated `: Promise<…>`, or every-so-often returning a promise expression."""
        if is_async(function):
            return True
        cached = self._returns_cache.get(function)
        if cached is not None:
            return cached
        self._returns_cache[function] = False  # recursion guard
        result = False
        annotation = function.child_by_field_name("return_type")
        if annotation is not None and self.module.text(annotation).lstrip(": ").startswith("Promise<"):
            result = True
        else:
            function_body = body(function)
            if function_body is not None and function_body.type != "statement_block":
                result = self.makes_promise(function_body)
            elif function_body is not None:
                for ret in descendants(function_body, frozenset({"return_statement"}), stop_at_functions=True):
                    value = next((c for c in ret.named_children if c.type != "comment"), None)
                    if value is not None and self.makes_promise(value):
                        result = True
                        break
        self._returns_cache[function] = result
        return result

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
            return bool(self.imported_async and self.imported_async(bound, prop))
        if bound.kind == "instance":
            if prop == "send" and self._is_aws_sdk_v3(bound.constructor, obj):
                return True
            if prop in AXIOS_METHODS and self._is_axios(bound.constructor, obj):
                return True
            cls = self.module.local_class(bound.constructor, obj)
            method = self.module.member_function(cls, prop, static=False) if cls is not None else None
            if method is None and self.imported_async and bound.constructor and "." not in bound.constructor:
                constructor = self.module.resolve(bound.constructor, obj)  # new Repo() of './repo'
                if constructor is not None and constructor.kind == "import":
                    return bool(self.imported_async(constructor, prop))
            return method is not None and self.function_returns_promise(method)
        if bound.kind in ("class", "object"):
            method = self.module.member_function(bound.node, prop, True if bound.kind == "class" else None)
            return method is not None and self.function_returns_promise(method)
        return False

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


def _has_arguments(call: Node) -> bool:
    args = call.child_by_field_name("arguments")
    return args is not None and args.named_child_count > 0


def _promise_api(bound: Binding) -> bool:
    """Imports of Node's promise APIs: `fs/promises`, `require('fs').promises`, `{ promises } from 'fs'`."""
    module = bound.module
    return module in PROMISE_MODULES or module.endswith("#promises") or bound.imported == "promises"
