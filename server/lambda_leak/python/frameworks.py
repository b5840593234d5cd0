"""Web frameworks behind a Lambda handler: FastAPI/Starlette under Mangum, Flask or Django (or
any WSGI app) under aws-wsgi, serverless-wsgi or apig-wsgi. Every route function runs inside the
invocation, so routes are on the handler path.

Routes are the functions decorated through the app (`@app.get(...)`, `@app.route(...)`) or
through a router/blueprint of the same module (`@router.post(...)`, `@bp.route(...)`), in the
module of the handler or in the project module the app is imported from.
"""

from __future__ import annotations

from astroid import nodes

from lambda_leak.python import django_views, parsing, project
from lambda_leak.python.names import assigned_value, qualified

# Adapters called with the app: `Mangum(app)`, `awsgi.response(app, event, context)`, ...
ADAPTERS = frozenset(
    {
        "mangum.Mangum",
        "apig_wsgi.make_lambda_handler",
        "serverless_wsgi.handle_request",
        "awsgi.response",
        "aws_wsgi.response",
    }
)
ADAPTER_PACKAGES = tuple(sorted({adapter.split(".")[0] for adapter in ADAPTERS}))
# Objects whose decorators register routes of an app.
_ROUTERS = frozenset(
    {
        "fastapi.APIRouter",
        "fastapi.routing.APIRouter",
        "flask.Blueprint",
        "starlette.routing.Router",
    }
)


def _decorator_base(decorator: nodes.NodeNG) -> str | None:
    target = decorator.func if isinstance(decorator, nodes.Call) else decorator
    while isinstance(target, nodes.Attribute):
        target = target.expr
    return target.name if isinstance(target, nodes.Name) else None


def _routers(module: nodes.Module) -> set[str]:
    names = set()
    for statement in module.body:
        if isinstance(statement, nodes.Assign) and isinstance(statement.value, nodes.Call):
            if qualified(statement.value.func) in _ROUTERS:
                names.update(t.name for t in statement.targets if isinstance(t, nodes.AssignName))
    return names


# Calls that register an endpoint function: `Route("/", homepage)`, `app.add_api_route("/", f)`,
# `app.add_url_rule("/", view_func=f)`, with the argument position of the endpoint.
_ENDPOINT_CALLS = {"Route": 1, "WebSocketRoute": 1, "add_api_route": 1, "add_route": 1, "add_url_rule": 2}
_ENDPOINT_KEYWORDS = frozenset({"endpoint", "view_func"})


def _registered(module: nodes.Module) -> set[str]:
    """Names of functions handed to a route registration anywhere at module level."""
    names = set()
    for call in module.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        func = call.func
        called = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
        position = _ENDPOINT_CALLS.get(called)
        if position is None:
            continue
        candidates = list(call.args[position : position + 1]) + [
            k.value for k in call.keywords or () if k.arg in _ENDPOINT_KEYWORDS
        ]
        names.update(c.name for c in candidates if isinstance(c, nodes.Name))
    return names


def routes(module: nodes.Module, app: str) -> list[nodes.FunctionDef]:
    """Functions of `module` registered as routes on `app` or on a router of the module, by
    decorator or by a route registration (`Route("/", homepage)`, `add_url_rule`)."""
    owners = {app} | _routers(module)
    registered = _registered(module)
    return [
        f
        for f in module.body
        if isinstance(f, nodes.FunctionDef)
        and (
            f.name in registered
            or (f.decorators and any(_decorator_base(d) in owners for d in f.decorators.nodes))
        )
    ]


def app_routes(app: nodes.NodeNG) -> list[nodes.FunctionDef]:
    """The routes of the app that `app` (a name in the handler's module) denotes: decorated or
    registered functions, or a Django application's views (`django_views`)."""
    if not isinstance(app, nodes.Name):
        return []
    module = app.root()
    found = routes(module, app.name) + django_views.views(app)
    name = qualified(app)  # `from main import app` -> "main.app"
    importer = module.file
    if name and not name.endswith("()") and importer and importer != "<?>":
        resolved = project.resolve_qualified(name, importer)
        if resolved and len(resolved[1]) == 1:
            other = parsing.parse_file(resolved[0])
            if other is not None:
                found += routes(other, resolved[1][0])
    return found


def adapter_apps(function: nodes.FunctionDef) -> list[nodes.NodeNG]:
    """Apps a handler function hands to an adapter: `return awsgi.response(app, event, context)`."""
    apps = []
    for call in function.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        target = call.func
        if isinstance(target, nodes.Call):  # `Mangum(app)(event, context)`
            target = target.func
            arguments = call.func.args
        else:
            arguments = call.args
        if qualified(target) in ADAPTERS and arguments:
            apps.append(arguments[0])
        elif isinstance(call.func, nodes.Name):  # `asgi_handler(event, context)` with `asgi_handler = Mangum(app)`
            for binding in call.func.lookup(call.func.name)[1]:
                value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
                if isinstance(value, nodes.Call) and qualified(value.func) in ADAPTERS and value.args:
                    apps.append(value.args[0])
    return apps
