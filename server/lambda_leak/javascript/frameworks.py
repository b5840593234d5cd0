"""Web framework apps served by Lambda through an adapter (serverless-http, serverless-express,
aws-lambda-fastify, hono's `handle`): their route handlers and middleware run inside the
invocation, so they are on a handler path.

The adapter ends the invocation when the response is sent (`res.json/send/end`,
`reply.send`, `return c.json(...)`): work a route starts and does not finish before that leaks
like work a handler does not await. A promise whose own chain sends the response is waited for.
"""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.javascript.module import JsModule
from lambda_leak.javascript.syntax import FUNCTION_TYPES, call_arguments, descendants, parameter_names, text, unwrap

ADAPTERS = frozenset(
    {"serverless-http", "@codegenie/serverless-express", "@vendia/serverless-express", "aws-serverless-express",
     "@fastify/aws-lambda", "aws-lambda-fastify", "hono/aws-lambda", "@h4ad/serverless-adapter"}
)
FRAMEWORKS = frozenset({"express", "fastify", "hono", "koa", "@koa/router", "koa-router", "router"})
_FRAMEWORK_ROOTS = FRAMEWORKS | {"@koa"}  # the first part of a framework import's specifier
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "use", "options", "head", "route"})
RESPONSE_METHODS = frozenset({"send", "json", "end", "sendStatus", "redirect", "render", "jsonp", "sendFile", "text", "body", "html"})


def imports_adapter(module: JsModule) -> bool:
    data = module.source.data
    if b"serverless-" not in data and b"aws-lambda" not in data:
        return False
    return any(b.kind == "import" and b.module.split("#")[0] in ADAPTERS for b in module.module_scope.values())


def _framework_object(module: JsModule, obj: Node) -> bool:
    """`app`/`router`/`fastify` made by a framework: `express()`, `express.Router()`, `Router()`,
    `fastify()`, `new Hono()`, `new Koa()`."""
    obj = unwrap(obj)
    if obj.type != "identifier":
        return False
    bound = module.resolve(module.text(obj), obj)
    if bound is None or bound.node is None or bound.kind not in ("value", "instance"):
        return False
    value = unwrap(bound.node)
    if value.type == "await_expression" and value.named_child_count:
        value = unwrap(value.named_children[0])
    if value.type not in ("call_expression", "new_expression"):
        return False
    callee = unwrap(value.child_by_field_name("function") or value.child_by_field_name("constructor"))
    while callee.type == "member_expression":  # express.Router()
        callee = unwrap(callee.child_by_field_name("object"))
    if callee.type != "identifier":
        return False
    source = module.resolve(module.text(callee), callee)
    return source is not None and source.kind == "import" and source.module.split("#")[0].split("/")[0] in _FRAMEWORK_ROOTS


def route_handlers(module: JsModule) -> list[Node]:
    """Functions registered as routes or middleware on a framework app or router of this file."""
    if not any(b.kind == "import" and b.module.split("#")[0].split("/")[0] in _FRAMEWORK_ROOTS for b in module.module_scope.values()):
        return []  # routers made in functions from a module-scope import still need that import
    found: list[Node] = []
    for call in module.calls:
        callee = unwrap(module.callee(call))
        if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) not in ROUTE_METHODS:
            continue
        if not _framework_object(module, callee.child_by_field_name("object")):
            continue
        for argument in call_arguments(call):
            argument = unwrap(argument)
            if argument.type == "object":  # fastify.route({ method, url, handler })
                for pair in argument.named_children:
                    if pair.type == "pair" and module.text(pair.child_by_field_name("key")) in ("handler", "preHandler"):
                        argument = unwrap(pair.child_by_field_name("value"))
            if argument.type in FUNCTION_TYPES:
                found.append(argument)
            elif argument.type == "identifier":
                bound = module.resolve(module.text(argument), argument)
                if bound is not None and bound.kind == "function":
                    found.append(bound.node)
    return found


def sends_response(route: Node, chain: Node) -> bool:
    """Does the promise chain `chain` (in `route`) send the response itself — `.then(r => res.json(r))`?"""
    names = [n for n in parameter_names(route)[:2] if n]
    responders = {names[-1]} if len(names) == 2 else set(names)  # (req, res) / (request, reply) / (c)
    for call in descendants(chain, frozenset({"call_expression"})):
        callee = unwrap(call.child_by_field_name("function"))
        while callee.type == "member_expression":
            prop = text(callee.child_by_field_name("property"))
            obj = unwrap(callee.child_by_field_name("object"))
            if prop in RESPONSE_METHODS and obj.type in ("identifier", "call_expression", "member_expression"):
                root = obj
                while root.type in ("call_expression", "member_expression"):
                    root = unwrap(root.child_by_field_name("function") or root.child_by_field_name("object"))
                if root.type == "identifier" and text(root) in responders:
                    return True
            callee = obj
        if callee.type == "identifier" and text(callee) == "next":
            return True
    return False
