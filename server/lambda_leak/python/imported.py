"""What a name imported from another project module stands for: a class
(`from .timeouts import TimeoutThread`, a `threading.Thread` subclass) or a module-level object
(`from .pools import POOL`, a `ThreadPoolExecutor`). Through the project lookup
(`project.resolve_qualified`, `parsing.parse_file`): project files are parsed, never imported.
"""

from __future__ import annotations

from astroid import nodes

from lambda_leak.python import parsing, project
from lambda_leak.python.names import assigned_value, class_bases, constructs, qualified

_MAX_DEPTH = 4


def _definition(expr: nodes.NodeNG) -> nodes.NodeNG | None:
    """The module-level binding (ClassDef, FunctionDef or assigned value) in the project
    module `expr` is imported from."""
    name = qualified(expr)
    importer = expr.root().file
    if not name or name.endswith("()") or not importer or importer == "<?>":
        return None
    resolved = project.resolve_qualified(name, importer)
    if resolved is None:
        return None
    file, rest = resolved
    if len(rest) != 1:
        return None
    module = parsing.parse_file(file)
    found = module.locals.get(rest[0]) if module is not None else None
    if not found:
        return None
    binding = found[-1]
    if isinstance(binding, nodes.AssignName):
        return assigned_value(binding)
    return binding


def subclass_of(klass: nodes.ClassDef, classes: frozenset[str], depth: int = 0) -> bool:
    """Whether a project class derives from one of `classes`, following bases in its own
    module and in the project modules it imports them from."""
    if depth > _MAX_DEPTH:
        return False
    if class_bases(klass) & classes:
        return True
    for base in klass.bases:
        other = _definition(base)
        if isinstance(other, nodes.ClassDef) and subclass_of(other, classes, depth + 1):
            return True
    return False


def constructs_across(call: nodes.Call, classes: frozenset[str]) -> bool:
    """`constructs`, and instances of project classes imported from other modules."""
    if constructs(call, classes):
        return True
    func = call.func
    name = func.name if isinstance(func, nodes.Name) else getattr(func, "attrname", "")
    if not name[:1].isupper():  # classes are capitalised: skip the project lookup for other calls
        return False
    klass = _definition(call.func)
    return isinstance(klass, nodes.ClassDef) and subclass_of(klass, classes)


def imported_instance_of(expr: nodes.NodeNG, classes: frozenset[str]) -> bool:
    """A module-level object of another project module, made by one of `classes`."""
    if not isinstance(expr, (nodes.Name, nodes.Attribute)):
        return False
    value = _definition(expr)
    return isinstance(value, nodes.Call) and constructs(value, classes)
