"""CDK apps written in Python, read with the `ast` module (parsed, never run).

Finds `_lambda.Function(self, "Id", handler=..., code=_lambda.Code.from_asset(...))`,
`NodejsFunction(...)` and `PythonFunction(...)`, following the file's imports, and evaluates the
path expressions stacks use: literals, f-strings, `+`, `os.path.join/dirname/abspath`, `__file__`,
`Path(__file__).parent / "x"`, `.joinpath()`, `.resolve()`, `str()`, `os.getcwd()` and names
assigned once in the file."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from lambda_leak.iac.cdk_common import ASSET_METHODS, INLINE_METHODS, ConstructCall, construct_kind, runtime_name, to_declaration
from lambda_leak.iac.model import Declaration

_MAX_DEPTH = 12
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"})


def declarations(text: str, path: Path, app_dir: Path) -> list[Declaration]:
    tree = ast.parse(text, filename=str(path))
    reader = StackReader(path, app_dir)
    reader.collect(tree)
    found = []
    for node in reader.calls:
        call = reader.construct_call(node)
        if call is not None:
            declaration = to_declaration(call, path, app_dir, js_stack=False)
            if declaration is not None:
                found.append(declaration)
    return found


def _walk(tree: ast.AST) -> list[ast.AST]:
    """Every node, in `ast.walk`'s order (breadth first; later bindings of a name win), without its
    two generators per node: a stack's tree has tens of thousands of nodes."""
    nodes = [tree]
    for node in nodes:  # the list grows behind the loop: a queue without popping
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                nodes.append(value)
            elif isinstance(value, list):
                nodes.extend(item for item in value if isinstance(item, ast.AST))
    return nodes


class StackReader:
    def __init__(self, path: Path, app_dir: Path) -> None:
        self.path = path
        self.app_dir = app_dir
        self.bindings: dict[str, str] = {}
        self.constants: dict[str, ast.expr | None] = {}
        self.calls: list[ast.Call] = []

    def collect(self, tree: ast.AST) -> None:
        for node in _walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bindings[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".", 1)[0]
                        self.bindings[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self._constant(node.targets[0].id, node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self._constant(node.target.id, node.value)
            elif isinstance(node, ast.Call):
                self.calls.append(node)
        self.calls.sort(key=lambda n: (n.lineno, n.col_offset))

    def _constant(self, name: str, value: ast.expr) -> None:
        self.constants[name] = None if name in self.constants else value

    def qualify(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        return None

    # --- values
    def string(self, node: ast.expr | None, depth: int = 0) -> str | None:
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    parts.append(value.value)
                elif isinstance(value, ast.FormattedValue) and value.format_spec is None:
                    inner = self.string(value.value, depth + 1)
                    if inner is None:
                        return None
                    parts.append(inner)
                else:
                    return None
            return "".join(parts)
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return str(self.path)
            value = self.constants.get(node.id)
            return self.string(value, depth + 1) if value is not None else None
        if isinstance(node, ast.BinOp):
            left, right = self.string(node.left, depth + 1), self.string(node.right, depth + 1)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Div):  # Path / "x"
                return os.path.normpath(os.path.join(left, right))
            return None
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.string(node.value, depth + 1)
            return os.path.dirname(inner) if inner is not None else None
        if isinstance(node, ast.Call):
            return self._call_string(node, depth)
        return None

    def _call_string(self, node: ast.Call, depth: int) -> str | None:
        qualified = self.qualify(node.func)
        values = [self.string(a, depth + 1) for a in node.args]
        if any(v is None for v in values) or node.keywords:
            return None
        if qualified == "os.getcwd":
            return str(self.app_dir)
        if qualified in ("os.path.join", "posixpath.join"):
            return os.path.normpath(os.path.join(*values)) if values else None  # type: ignore[arg-type]
        if qualified in ("os.path.dirname",) and len(values) == 1:
            return os.path.dirname(values[0])  # type: ignore[arg-type]
        if qualified in ("os.path.abspath", "os.path.realpath", "os.path.normpath") and len(values) == 1:
            return self._absolute(values[0])  # type: ignore[arg-type]
        if qualified in _PATH_CLASSES:
            return os.path.normpath(os.path.join(*values)) if values else "."  # type: ignore[arg-type]
        if qualified is None and isinstance(node.func, ast.Name) and node.func.id == "str" and len(values) == 1:
            return values[0]
        if isinstance(node.func, ast.Attribute):  # methods of a path value
            method, owner = node.func.attr, node.func.value
            if method == "cwd" and self.qualify(owner) in _PATH_CLASSES:
                return str(self.app_dir)
            base = self.string(owner, depth + 1)
            if base is None:
                return None
            if method in ("resolve", "absolute") and not values:
                return self._absolute(base)
            if method == "joinpath":
                return os.path.normpath(os.path.join(base, *values))  # type: ignore[arg-type]
            if method == "as_posix" and not values:
                return base
        return None

    def _absolute(self, value: str) -> str:
        return os.path.normpath(value if os.path.isabs(value) else os.path.join(self.app_dir, value))

    # --- constructs
    def construct_call(self, node: ast.Call) -> ConstructCall | None:
        func = node.func
        if isinstance(func, ast.Name):
            last, object_name = func.id, None
        elif isinstance(func, ast.Attribute):
            last = func.attr
            object_name = func.value.id if isinstance(func.value, ast.Name) else None
        else:
            return None
        kind = construct_kind(self.qualify(func), last, object_name)
        if kind is None:
            return None
        call = ConstructCall(kind=kind, line=node.lineno - 1)
        if len(node.args) >= 2:
            call.construct_id = self.string(node.args[1])
        if any(k.arg is None for k in node.keywords):
            return None  # `**props` may hold `entry`/`handler`: no guess
        keywords = {k.arg: k for k in node.keywords if k.arg}
        if "handler" in keywords:
            call.handler = self.string(keywords["handler"].value)
            call.handler_line = keywords["handler"].lineno - 1
            if call.handler is None:
                return None
        if "runtime" in keywords:
            call.runtime = self._runtime(keywords["runtime"].value)
        if "code" in keywords:
            call.code = self._code(keywords["code"].value)
        if "entry" in keywords:
            call.entry_given = True
            call.entry = self.string(keywords["entry"].value)
        if "index" in keywords:
            call.index = self.string(keywords["index"].value)
        return call

    def _runtime(self, node: ast.expr, depth: int = 0) -> str | None:
        if isinstance(node, ast.Attribute):  # _lambda.Runtime.PYTHON_3_12
            return runtime_name(node.attr)
        if isinstance(node, ast.Name) and depth < 4:
            value = self.constants.get(node.id)
            return self._runtime(value, depth + 1) if value is not None else None
        if isinstance(node, ast.Call) and node.args:  # _lambda.Runtime("python3.13", …)
            return self.string(node.args[0])
        return None

    def _code(self, node: ast.expr, depth: int = 0) -> tuple[str, str | None] | None:
        if isinstance(node, ast.Name) and depth < 4:
            value = self.constants.get(node.id)
            return self._code(value, depth + 1) if value is not None else None
        if not isinstance(node, ast.Call):
            return ("other", None)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ASSET_METHODS and node.args:
            return ("asset", self.string(node.args[0]))
        if name == "AssetCode" and node.args:
            return ("asset", self.string(node.args[0]))
        if name in INLINE_METHODS:
            return ("inline", None)
        return ("other", None)
