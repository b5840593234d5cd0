"""CDK apps written in TypeScript or JavaScript, read with tree-sitter (never run).

Finds `new lambda.Function(...)`, `new NodejsFunction(...)` and `new PythonFunction(...)`, following
the file's imports (`import * as lambda from 'aws-cdk-lib/aws-lambda'`, `{ aws_lambda as lambda }`,
`require(...)`) to know what a name means, and evaluates the few expressions stacks use for paths:
string literals, template strings, `+`, `__dirname`, `path.join/resolve/dirname`, `process.cwd()`,
`fileURLToPath(import.meta.url)`, `import.meta.dirname` and `const` bindings in the file."""

from __future__ import annotations

import os
from pathlib import Path

import tree_sitter as ts

from lambda_leak.iac.cdk_common import (
    ASSET_METHODS,
    INLINE_METHODS,
    ConstructCall,
    construct_kind,
    js_module_name,
    runtime_name,
    to_declaration,
)
from lambda_leak.iac.model import Declaration
from lambda_leak.javascript.parser import captures, parse
from lambda_leak.javascript.syntax import TRANSPARENT, import_names
from lambda_leak.javascript.syntax import text as _text
from lambda_leak.source import language_for

_MAX_DEPTH = 12
_COLLECTED = "(import_statement) @import (variable_declarator) @declarator (new_expression) @new"


def declarations(text: str, path: Path, app_dir: Path) -> list[Declaration]:
    language = language_for(path.name) or "javascript"  # the engine's grammars (per-thread parsers)
    tree = parse(text.encode("utf-8", "surrogatepass"), language, keep=True)  # a source file too, mostly
    reader = StackReader(path, app_dir)
    reader.collect(tree.root_node, language)
    found = []
    for node in reader.new_expressions:
        call = reader.construct_call(node)
        if call is not None:
            declaration = to_declaration(call, path, app_dir, js_stack=True)
            if declaration is not None:
                found.append(declaration)
    return found


def unwrap(node: ts.Node | None) -> ts.Node | None:
    while node is not None and node.type in TRANSPARENT:
        node = node.named_children[0] if node.named_children else None
    return node


def _node_join(parts: list[str]) -> str:
    return os.path.normpath("/".join(p for p in parts if p)) if any(parts) else "."


class StackReader:
    def __init__(self, path: Path, app_dir: Path) -> None:
        self.path = path
        self.app_dir = app_dir
        self.bindings: dict[str, str] = {}  # local name → qualified name ("aws_cdk.aws_lambda", "path.join")
        self.constants: dict[str, ts.Node | None] = {}  # None: declared more than once
        self.new_expressions: list[ts.Node] = []

    # --- one query over the tree collects imports, constants and `new` expressions
    def collect(self, root: ts.Node, language: str) -> None:
        """`language`: the tree's. Matched in C: a walk in Python made a node object of every named
        node of the file."""
        found = captures(language, _COLLECTED, root)
        # in the order of the text: an import or a declarator binds names that later ones may rebind
        for node in sorted(found.get("import", []) + found.get("declarator", []), key=lambda n: n.start_byte):
            if node.type == "import_statement":
                self._import(node)
            else:
                self._declarator(node)
        self.new_expressions = sorted(found.get("new", []), key=lambda n: n.start_byte)

    def _import(self, node: ts.Node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        module = js_module_name(self.string(source) or "")
        for local, imported in import_names(node):
            self.bindings[local] = module if imported in ("default", "*") else f"{module}.{imported}"

    def _declarator(self, node: ts.Node) -> None:
        name = node.child_by_field_name("name")
        value = unwrap(node.child_by_field_name("value"))
        if name is None or value is None:
            return
        required = self._required_module(value)
        if name.type == "identifier":
            if required is not None:
                self.bindings[_text(name)] = required
                return
            key = _text(name)
            self.constants[key] = None if key in self.constants else value
        elif name.type == "object_pattern" and required is not None:
            for item in name.named_children:
                if item.type == "shorthand_property_identifier_pattern":
                    self.bindings[_text(item)] = f"{required}.{_text(item)}"
                elif item.type == "pair_pattern":
                    key_node, alias = item.child_by_field_name("key"), item.child_by_field_name("value")
                    if key_node is not None and alias is not None and alias.type == "identifier":
                        self.bindings[_text(alias)] = f"{required}.{_text(key_node)}"

    def _required_module(self, node: ts.Node) -> str | None:
        """`require('x')` (or `require('x').member`) as a qualified name."""
        if node.type == "member_expression":
            inner = self._required_module(unwrap(node.child_by_field_name("object")))
            prop = node.child_by_field_name("property")
            return f"{inner}.{_text(prop)}" if inner is not None and prop is not None else None
        if node.type != "call_expression":
            return None
        callee = node.child_by_field_name("function")
        if callee is None or _text(callee) != "require":
            return None
        arguments = self.arguments(node)
        literal = self.string(arguments[0]) if arguments else None
        return js_module_name(literal) if literal else None

    # --- names and values
    def qualify(self, node: ts.Node | None) -> str | None:
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self.bindings.get(_text(node))
        if node.type == "member_expression":
            base = self.qualify(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            return f"{base}.{_text(prop)}" if base is not None and prop is not None else None
        return None

    @staticmethod
    def arguments(call: ts.Node) -> list[ts.Node]:
        arguments = call.child_by_field_name("arguments")
        if arguments is None:
            return []
        return [a for a in arguments.named_children if a.type != "comment"]

    def string(self, node: ts.Node | None, depth: int = 0) -> str | None:
        """The string an expression always evaluates to, or None when that is not known statically."""
        node = unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return None
        kind = node.type
        if kind == "string":
            parts = []
            for child in node.named_children:
                piece = _text(child)
                parts.append(piece[1:] if child.type == "escape_sequence" else piece)
            return "".join(parts)
        if kind == "template_string":
            parts = []
            for child in node.named_children:
                if child.type == "template_substitution":
                    inner = child.named_children[0] if child.named_children else None
                    value = self.string(inner, depth + 1)
                    if value is None:
                        return None
                    parts.append(value)
                elif child.type == "escape_sequence":
                    parts.append(_text(child)[1:])
                else:
                    parts.append(_text(child))
            return "".join(parts)
        if kind in ("identifier", "shorthand_property_identifier"):
            name = _text(node)
            if name == "__dirname":
                return str(self.path.parent)
            if name == "__filename":
                return str(self.path)
            value = self.constants.get(name)
            return self.string(value, depth + 1) if value is not None else None
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is None or _text(operator) != "+":
                return None
            left = self.string(node.child_by_field_name("left"), depth + 1)
            right = self.string(node.child_by_field_name("right"), depth + 1)
            return left + right if left is not None and right is not None else None
        if kind == "member_expression":
            text = _text(node)
            if text in ("import.meta.dirname",):
                return str(self.path.parent)
            if text in ("import.meta.filename", "import.meta.url"):
                return str(self.path)  # import.meta.url only ever reaches us through fileURLToPath
            return None
        if kind == "call_expression":
            return self._call_string(node, depth)
        return None

    def _call_string(self, node: ts.Node, depth: int) -> str | None:
        callee = node.child_by_field_name("function")
        qualified = self.qualify(callee)
        arguments = self.arguments(node)
        if qualified is None and callee is not None and _text(callee) == "process.cwd":
            return str(self.app_dir)
        if qualified in ("url.fileURLToPath",) and arguments:
            return self.string(arguments[0], depth + 1)
        if qualified not in ("path.join", "path.resolve", "path.dirname", "path.normalize", "path.posix.join"):
            return None
        values = [self.string(a, depth + 1) for a in arguments]
        if any(v is None for v in values):
            return None
        if qualified == "path.dirname":
            return os.path.dirname(values[0]) if values else None
        if qualified == "path.resolve":
            result = str(self.app_dir)
            for value in values:
                result = value if os.path.isabs(value) else os.path.join(result, value)
            return os.path.normpath(result)
        return _node_join(values)  # type: ignore[arg-type]

    # --- constructs
    def construct_call(self, node: ts.Node) -> ConstructCall | None:
        callee = unwrap(node.child_by_field_name("constructor"))
        if callee is None:
            return None
        if callee.type == "identifier":
            last, object_name = _text(callee), None
        elif callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            obj = callee.child_by_field_name("object")
            last = _text(prop) if prop is not None else ""
            object_name = _text(obj) if obj is not None else None
        else:
            return None
        kind = construct_kind(self.qualify(callee), last, object_name)
        if kind is None:
            return None
        arguments = self.arguments(node)
        call = ConstructCall(kind=kind, line=node.start_point[0])
        if len(arguments) >= 2:
            call.construct_id = self.string(arguments[1])
        props: dict[str, tuple[ts.Node, ts.Node]] = {}
        if len(arguments) >= 3 and not self.read_props(arguments[2], props, 0):
            return None  # props we cannot read may hold `entry`/`handler`: no guess
        if "handler" in props:
            value, pair = props["handler"]
            call.handler = self.string(value)
            call.handler_line = pair.start_point[0]
            if call.handler is None:
                return None  # computed handler name: unknown, so say nothing
        if "runtime" in props:
            call.runtime = self._runtime(props["runtime"][0])
        if "code" in props:
            call.code = self._code(props["code"][0])
        if "entry" in props:
            call.entry_given = True
            call.entry = self.string(props["entry"][0])
        if "index" in props:
            call.index = self.string(props["index"][0])
        return call

    def read_props(self, node: ts.Node | None, props: dict[str, tuple[ts.Node, ts.Node]], depth: int) -> bool:
        """Collect an object literal's properties (following `const` names and spreads) into `props`;
        False when some of them cannot be known statically."""
        node = unwrap(node)
        if node is None or depth > 4:
            return False
        if node.type == "identifier":
            return self.read_props(self.constants.get(_text(node)), props, depth + 1)
        if node.type != "object":
            return False
        for child in node.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None:
                    continue
                name = self.string(key) if key.type == "string" else _text(key)
                if not name or key.type == "computed_property_name":
                    return False
                props[name] = (value, child)
            elif child.type == "shorthand_property_identifier":
                props[_text(child)] = (child, child)
            elif child.type == "spread_element":
                if not child.named_children or not self.read_props(child.named_children[0], props, depth + 1):
                    return False
        return True

    def _runtime(self, node: ts.Node, depth: int = 0) -> str | None:
        node = unwrap(node)
        if node is None or depth > 4:
            return None
        if node.type == "member_expression":  # lambda.Runtime.NODEJS_20_X
            prop = node.child_by_field_name("property")
            return runtime_name(_text(prop)) if prop is not None else None
        if node.type in ("identifier", "shorthand_property_identifier"):
            value = self.constants.get(_text(node))
            return self._runtime(value, depth + 1) if value is not None else None
        if node.type == "new_expression":  # new lambda.Runtime('nodejs22.x', …)
            arguments = self.arguments(node)
            return self.string(arguments[0]) if arguments else None
        return None

    def _code(self, node: ts.Node, depth: int = 0) -> tuple[str, str | None] | None:
        node = unwrap(node)
        if node is None or depth > 4:
            return None
        if node.type in ("identifier", "shorthand_property_identifier"):
            value = self.constants.get(_text(node))
            return self._code(value, depth + 1) if value is not None else None
        if node.type == "new_expression":  # new lambda.AssetCode('dir')
            constructor = _text(node.child_by_field_name("constructor") or node)
            arguments = self.arguments(node)
            if constructor.endswith("AssetCode") and arguments:
                return ("asset", self.string(arguments[0]))
            return ("other", None)
        if node.type != "call_expression":
            return ("other", None)
        callee = unwrap(node.child_by_field_name("function"))
        method = callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" else None
        name = _text(method) if method is not None else ""
        arguments = self.arguments(node)
        if name in ASSET_METHODS and arguments:
            return ("asset", self.string(arguments[0]))
        if name in INLINE_METHODS:
            return ("inline", None)
        return ("other", None)
