"""Pulumi programs: `new aws.lambda.Function(name, { handler, runtime, code })` in TypeScript or
JavaScript (`@pulumi/aws`) and `aws.lambda_.Function(name, handler=..., runtime=..., code=...)` in
Python (`pulumi_aws`), read statically with the CDK readers' evaluators (never run).

The code folder is the `FileArchive` path (or the "." entry of an `AssetArchive`), relative to the
project folder (where Pulumi.yaml is), which is where `pulumi up` runs the program. Runtimes are
strings or the SDK's enum members (`aws.lambda.Runtime.NodeJS20dX`, `Runtime.PYTHON3D12`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tree_sitter as ts

from lambda_leak.iac import cdk_js, cdk_python
from lambda_leak.iac.cdk_common import place
from lambda_leak.iac.handler_paths import runtime_family
from lambda_leak.iac.model import Declaration, one_line
from lambda_leak.javascript.parser import parse
from lambda_leak.javascript.syntax import text as node_text
from lambda_leak.source import language_for

ORIGIN = "pulumi"
JS_FUNCTIONS = frozenset({"@pulumi/aws.lambda.Function", "@pulumi/aws/lambda.Function"})
PY_FUNCTIONS = frozenset({"pulumi_aws.lambda_.Function", "pulumi_aws.lambda_.function.Function"})
_ENUM_VERSION = re.compile(r"(\d)d(\d|x)")


def runtime_from_enum(member: str) -> str:
    """`NodeJS20dX` / `NODE_JS20D_X` → 'nodejs20.x'; `Python3d12` / `PYTHON3D12` → 'python3.12'."""
    name = member.replace("_", "").lower()
    return _ENUM_VERSION.sub(r"\1.\2", name)


# --- TypeScript / JavaScript
def js_declarations(text: str, path: Path, project_dir: Path) -> list[Declaration]:
    language = language_for(path.name) or "javascript"
    tree = parse(text.encode("utf-8", "surrogatepass"), language)
    reader = cdk_js.StackReader(path, project_dir)
    reader.collect(tree.root_node, language)
    found = []
    for node in reader.new_expressions:
        constructor = node.child_by_field_name("constructor")
        if reader.qualify(constructor) not in JS_FUNCTIONS:
            continue
        declaration = _js_function(reader, node, path, project_dir)
        if declaration is not None:
            found.append(declaration)
    return found


def _js_function(reader: cdk_js.StackReader, node: ts.Node, path: Path, project_dir: Path) -> Declaration | None:
    line = node.start_point[0]
    arguments = reader.arguments(node)
    props: dict[str, tuple[ts.Node, ts.Node]] = {}
    if len(arguments) < 2 or not reader.read_props(arguments[1], props, 0):
        return Declaration("", None, None, path, line, ORIGIN, unresolved="its arguments are not an object literal")
    if "handler" not in props:
        return None  # an image function (`imageUri`) names no handler
    value, pair = props["handler"]
    line = pair.start_point[0]
    runtime = _js_runtime(reader, props["runtime"][0]) if "runtime" in props else None
    if runtime_family(runtime) == "other":
        return None
    handler = reader.string(value)
    if not handler:
        return Declaration("", None, runtime, path, line, ORIGIN, unresolved=f"handler: {one_line(node_text(value))}")
    code_dir = _js_code_dir(reader, props["code"][0], path, project_dir) if "code" in props else None
    return Declaration(handler, code_dir, runtime, path, line, ORIGIN)


def _js_runtime(reader: cdk_js.StackReader, node: ts.Node) -> str | None:
    literal = reader.string(node)
    if literal is not None:
        return literal
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        return runtime_from_enum(node_text(prop)) if prop is not None else None
    return None


def _js_code_dir(reader: cdk_js.StackReader, node: ts.Node | None, path: Path, project_dir: Path, depth: int = 0) -> Path | None:
    node = cdk_js.unwrap(node)
    if node is None or depth > 4:
        return None
    if node.type in ("identifier", "shorthand_property_identifier"):
        value = reader.constants.get(node_text(node))
        return _js_code_dir(reader, value, path, project_dir, depth + 1)
    if node.type != "new_expression":
        return None
    constructor = node_text(node.child_by_field_name("constructor"))
    arguments = reader.arguments(node)
    if constructor.endswith("FileArchive") and arguments:
        folder = reader.string(arguments[0])
        return place(folder, path, project_dir) if folder else None
    if constructor.endswith("AssetArchive") and arguments:
        assets: dict[str, tuple[ts.Node, ts.Node]] = {}
        if reader.read_props(arguments[0], assets, 0) and "." in assets:
            return _js_code_dir(reader, assets["."][0], path, project_dir, depth + 1)
    return None


# --- Python
def python_declarations(text: str, path: Path, project_dir: Path) -> list[Declaration]:
    tree = ast.parse(text, filename=str(path))
    reader = cdk_python.StackReader(path, project_dir)
    reader.collect(tree)
    found = []
    for call in reader.calls:
        if reader.qualify(call.func) not in PY_FUNCTIONS:
            continue
        declaration = _py_function(reader, call, path, project_dir)
        if declaration is not None:
            found.append(declaration)
    return found


def _py_function(reader: cdk_python.StackReader, call: ast.Call, path: Path, project_dir: Path) -> Declaration | None:
    line = call.lineno - 1
    if any(k.arg is None or k.arg == "args" for k in call.keywords) or len(call.args) >= 2:
        return Declaration("", None, None, path, line, ORIGIN, unresolved="its arguments are not keyword literals")
    keywords = {k.arg: k for k in call.keywords if k.arg}
    if "handler" not in keywords:
        return None
    line = keywords["handler"].lineno - 1
    runtime = _py_runtime(reader, keywords["runtime"].value) if "runtime" in keywords else None
    if runtime_family(runtime) == "other":
        return None
    handler = reader.string(keywords["handler"].value)
    if not handler:
        return Declaration("", None, runtime, path, line, ORIGIN, unresolved=f"handler={one_line(ast.unparse(keywords['handler'].value))}")
    code_dir = _py_code_dir(reader, keywords["code"].value, path, project_dir) if "code" in keywords else None
    return Declaration(handler, code_dir, runtime, path, line, ORIGIN)


def _py_runtime(reader: cdk_python.StackReader, node: ast.expr) -> str | None:
    literal = reader.string(node)
    if literal is not None:
        return literal
    if isinstance(node, ast.Attribute):
        return runtime_from_enum(node.attr)
    return None


def _py_code_dir(reader: cdk_python.StackReader, node: ast.expr, path: Path, project_dir: Path, depth: int = 0) -> Path | None:
    if isinstance(node, ast.Name) and depth < 4:
        value = reader.constants.get(node.id)
        return _py_code_dir(reader, value, path, project_dir, depth + 1) if value is not None else None
    if not isinstance(node, ast.Call) or depth > 4:
        return None
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    if name == "FileArchive" and node.args:
        folder = reader.string(node.args[0])
        return place(folder, path, project_dir) if folder else None
    if name == "AssetArchive" and node.args and isinstance(node.args[0], ast.Dict):
        for key, value in zip(node.args[0].keys, node.args[0].values):
            if isinstance(key, ast.Constant) and key.value == ".":
                return _py_code_dir(reader, value, path, project_dir, depth + 1)
    return None
