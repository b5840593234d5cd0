"""Django behind a WSGI adapter (`serverless_wsgi.handle_request(application, event, context)`,
`apig_wsgi.make_lambda_handler(application)` with `application = get_wsgi_application()`):
every view wired in the URLconf runs inside the invocation, so views are on the handler path.

The URLconf is `ROOT_URLCONF` of the settings module that `DJANGO_SETTINGS_MODULE` names, when
both are string literals; otherwise every `urls.py` of the project holding the app. Entries are
`path`/`re_path`/`url` calls naming a function view, a class-based view (`View.as_view()`: its
HTTP-method handlers) or `include("app.urls")` (followed). Everything is read from source.
"""

from __future__ import annotations

import os

from astroid import nodes

from lambda_leak.python import parsing, project
from lambda_leak.python.names import local_definition, qualified

WSGI_FACTORY = "django.core.wsgi.get_wsgi_application"
_ROUTE_CALLS = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url"})
_INCLUDE_CALLS = frozenset({"django.urls.include", "django.conf.urls.include"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})
_MAX_URLCONFS = 200


def _binds_wsgi_app(module: nodes.Module, name: str) -> bool:
    for statement in module.body:
        if isinstance(statement, nodes.Assign) and isinstance(statement.value, nodes.Call):
            targets = {t.name for t in statement.targets if isinstance(t, nodes.AssignName)}
            if name in targets and qualified(statement.value.func) == WSGI_FACTORY:
                return True
    return False


def _wsgi_module(app: nodes.NodeNG) -> nodes.Module | None:
    """The module binding the Django WSGI application that `app` denotes (here or imported)."""
    name = qualified(app)
    if name == WSGI_FACTORY + "()":
        return app.root()
    file = app.root().file
    if not name or name.endswith("()") or not file or file == "<?>":
        return None
    resolved = project.resolve_qualified(name, file)
    if resolved and len(resolved[1]) == 1:
        other = parsing.parse_file(resolved[0])
        if other is not None and _binds_wsgi_app(other, resolved[1][0]):
            return other
    return None


def _settings_module(module: nodes.Module) -> str | None:
    """`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")` or the subscript assignment."""
    for call in module.nodes_of_class(nodes.Call):
        args = call.args
        if (
            len(args) == 2
            and all(isinstance(a, nodes.Const) and isinstance(a.value, str) for a in args)
            and args[0].value == "DJANGO_SETTINGS_MODULE"
        ):
            return args[1].value
    for assign in module.nodes_of_class(nodes.Assign):
        for target in assign.targets:
            if (
                isinstance(target, nodes.Subscript)
                and isinstance(target.slice, nodes.Const)
                and target.slice.value == "DJANGO_SETTINGS_MODULE"
                and isinstance(assign.value, nodes.Const)
                and isinstance(assign.value.value, str)
            ):
                return assign.value.value
    return None


def _module_file(dotted: str, importer: str) -> str | None:
    facts = project.current()
    return facts.module_file(dotted, facts.roots(importer))


def _root_urlconf(modules: list[nodes.Module]) -> str | None:
    """The file of a literal `ROOT_URLCONF` in a literal settings module, if both resolve."""
    for module in modules:
        settings = _settings_module(module)
        file = _module_file(settings, module.file) if settings else None
        tree = parsing.parse_file(file) if file else None
        if tree is None:
            continue
        for statement in tree.body:
            if (
                isinstance(statement, nodes.Assign)
                and any(isinstance(t, nodes.AssignName) and t.name == "ROOT_URLCONF" for t in statement.targets)
                and isinstance(statement.value, nodes.Const)
                and isinstance(statement.value.value, str)
            ):
                return _module_file(statement.value.value, module.file)
    return None


def _definition(expr: nodes.NodeNG) -> nodes.NodeNG | None:
    """The `def` or `class` a view expression names, in this module or a project module."""
    local = local_definition(expr)
    if local is not None:
        return local
    name = qualified(expr)
    file = expr.root().file
    if not name or name.endswith("()") or not file:
        return None
    resolved = project.resolve_qualified(name, file)
    if not resolved or len(resolved[1]) != 1:
        return None
    tree = parsing.parse_file(resolved[0])
    if tree is None:
        return None
    for statement in tree.body:
        if isinstance(statement, (nodes.FunctionDef, nodes.ClassDef)) and statement.name == resolved[1][0]:
            return statement
    return None


def _included(argument: nodes.NodeNG, importer: str) -> str | None:
    """The file of `include("app.urls")`, `include(("app.urls", "ns"))` or `include(app_urls)`."""
    if isinstance(argument, nodes.Tuple) and argument.elts:
        argument = argument.elts[0]
    if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
        return _module_file(argument.value, importer)
    name = qualified(argument)
    return _module_file(name, importer) if name and not name.endswith("()") else None


def _view_functions(view: nodes.NodeNG, depth: int = 0) -> list[nodes.FunctionDef]:
    if isinstance(view, nodes.Call):
        func = view.func
        if isinstance(func, nodes.Attribute) and func.attrname == "as_view":
            klass = _definition(func.expr)
            if isinstance(klass, nodes.ClassDef):
                return [m for m in klass.mymethods() if m.name in _HTTP_METHODS]
            return []
        # A wrapped view: `login_required(views.profile)`, `csrf_exempt(Hook.as_view())`.
        return _view_functions(view.args[0], depth + 1) if view.args and depth < 3 else []
    found = _definition(view)
    return [found] if isinstance(found, nodes.FunctionDef) else []


def _urlconf_views(tree: nodes.Module, queue: list[str]) -> list[nodes.FunctionDef]:
    views = []
    for call in tree.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        if qualified(call.func) not in _ROUTE_CALLS:
            continue
        view = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords or () if k.arg == "view"), None)
        if view is None:
            continue
        if isinstance(view, nodes.Call) and qualified(view.func) in _INCLUDE_CALLS:
            included = _included(view.args[0], tree.file) if view.args else None
            if included:
                queue.append(included)
        else:
            views += _view_functions(view)
    return views


def views(app: nodes.NodeNG) -> list[nodes.FunctionDef]:
    """The views of the Django application `app` denotes; [] when it is not one."""
    if not isinstance(app, nodes.Name):
        return []
    wsgi = _wsgi_module(app)
    if wsgi is None or not wsgi.file:
        return []
    root = _root_urlconf([wsgi, app.root()])
    facts = project.current()
    if root:
        queue = [root]
    else:
        queue = [f for f in facts.project_files(wsgi.file) if os.path.basename(f) == "urls.py"]
    seen: set[str] = set()
    found: list[nodes.FunctionDef] = []
    while queue and len(seen) < _MAX_URLCONFS:
        file = facts.key(queue.pop(0))
        if file in seen:
            continue
        seen.add(file)
        tree = parsing.parse_file(file)
        if tree is not None:
            found += [v for v in _urlconf_views(tree, queue) if v not in found]
    return found
