"""What a name in the analysed module stands for, read from its imports and assignments.

Deliberately not astroid inference: `threading.Thread`, `from concurrent.futures import
ThreadPoolExecutor as Pool` and `logger = Logger()` are resolved by looking at the binding
statements, which is fast and never leaves the file. A bound instance is written with a
trailing "()": `logger` above resolves to `aws_lambda_powertools.Logger()`.
"""

from __future__ import annotations

from astroid import nodes

_MAX_DEPTH = 8


def _import_binding(statement: nodes.NodeNG, name: str) -> str | None:
    if isinstance(statement, nodes.Import):
        for module, alias in statement.names:
            if alias == name:
                return module
            if alias is None and module.split(".")[0] == name:
                return name
    elif isinstance(statement, nodes.ImportFrom):
        base = statement.modname
        if statement.level:
            try:
                base = statement.root().relative_to_absolute_name(statement.modname, statement.level)
            except Exception:  # noqa: BLE001 - a relative import beyond the top package
                return None
        for imported, alias in statement.names:
            if (alias or imported) == name:
                return f"{base}.{imported}" if base else imported
    return None


def bindings(node: nodes.NodeNG, name: str) -> list[nodes.NodeNG]:
    """The nodes that bind `name` where `node` reads it: the innermost function (or lambda,
    comprehension) scope that binds it, else the module. Class bodies are skipped, as Python
    does for the methods inside them. Much cheaper than astroid's flow-sensitive lookup."""
    scope = node.scope()
    while scope is not None:
        if not isinstance(scope, nodes.ClassDef) or scope is node.scope():
            found = scope.locals.get(name)
            if found:
                return list(found)
        if isinstance(scope, nodes.Module):
            return []
        scope = scope.parent.scope() if scope.parent is not None else None
    return []


_UNKNOWN = object()


def _kept_on_node(function):
    """`function(expr)`, answered once per node and kept on it: rules and the handler path ask
    again and again about the same names, and a tree never changes once built."""
    key = f"_lambda_leak_{function.__name__}"

    def kept(expr):
        if expr is None:
            return None
        found = expr.__dict__.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = function(expr)
            setattr(expr, key, found)
        return found

    kept.__doc__ = function.__doc__
    return kept


@_kept_on_node
def qualified(expr: nodes.NodeNG) -> str | None:
    """Dotted name of what `expr` denotes through imports, e.g. `th.Thread` -> `threading.Thread`."""
    return _qualified(expr, 0)


def _qualified(expr: nodes.NodeNG | None, depth: int) -> str | None:
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, nodes.Attribute):
        base = _qualified(expr.expr, depth + 1)
        return f"{base}.{expr.attrname}" if base else None
    if isinstance(expr, nodes.Call):
        base = _qualified(expr.func, depth + 1)
        return f"{base}()" if base else None
    if not isinstance(expr, nodes.Name):
        return None
    for binding in reversed(bindings(expr, expr.name)):
        if isinstance(binding, (nodes.Import, nodes.ImportFrom)):
            found = _import_binding(binding, expr.name)
            if found:
                return found
        elif isinstance(binding, nodes.AssignName):
            value = assigned_value(binding)
            if isinstance(value, nodes.Call):
                base = _qualified(value.func, depth + 1)
                if base:
                    return f"{base}()"
            elif isinstance(value, (nodes.Name, nodes.Attribute)):
                return _qualified(value, depth + 1)
    return None


def assigned_value(target: nodes.AssignName) -> nodes.NodeNG | None:
    """The expression bound to a simple name: `x = value`, `x: T = value`, `with value as x`."""
    parent = target.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        if isinstance(parent, nodes.Assign) and target not in parent.targets:
            return None
        return parent.value
    if isinstance(parent, (nodes.With, nodes.AsyncWith)):
        for value, variables in parent.items:
            if variables is target:
                return value
    if isinstance(parent, nodes.NamedExpr) and parent.target is target:
        return parent.value
    return None


@_kept_on_node
def local_definition(expr: nodes.NodeNG) -> nodes.NodeNG | None:
    """The `def` or `class` in this module that a name refers to, if it is defined here."""
    if isinstance(expr, nodes.Name):
        for binding in reversed(bindings(expr, expr.name)):
            if isinstance(binding, (nodes.FunctionDef, nodes.ClassDef)):
                return binding
    return None


def class_bases(klass: nodes.ClassDef, seen: set | None = None) -> set[str]:
    """Qualified names of a class's bases, following bases defined in the same module."""
    seen = seen if seen is not None else set()
    if klass in seen:
        return set()
    seen.add(klass)
    found: set[str] = set()
    for base in klass.bases:
        name = qualified(base)
        if name:
            found.add(name)
        local = local_definition(base)
        if isinstance(local, nodes.ClassDef):
            found |= class_bases(local, seen)
    return found


def constructs(call: nodes.Call, classes: frozenset[str]) -> bool:
    """Whether `call` instantiates one of `classes` or a subclass defined in this module."""
    name = qualified(call.func)
    if name in classes:
        return True
    local = local_definition(call.func)
    return isinstance(local, nodes.ClassDef) and bool(class_bases(local) & classes)


def is_instance_of(expr: nodes.NodeNG, classes: frozenset[str]) -> bool:
    """Whether `expr` is a name or attribute bound to an instance of `classes` (`x = Cls(...)`)."""
    if isinstance(expr, nodes.Call):
        return constructs(expr, classes)
    name = qualified(expr)
    if name and name.endswith("()") and name[:-2] in classes:
        return True
    if isinstance(expr, nodes.Name):
        for binding in bindings(expr, expr.name):
            if isinstance(binding, nodes.AssignName):
                value = assigned_value(binding)
                if isinstance(value, nodes.Call) and constructs(value, classes):
                    return True
    return False
