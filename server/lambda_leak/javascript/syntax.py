"""Small questions about tree-sitter nodes that every JavaScript rule asks."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from lambda_leak.javascript.parser import LANGUAGES

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
FIELD_TYPES = frozenset({"field_definition", "public_field_definition"})
# Wrappers that change nothing about an expression's value.
TRANSPARENT = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"}
)


def text(node: Node | None) -> str:
    if node is None:
        return ""
    raw = node.text  # read once: tree-sitter copies the bytes at every access
    return raw.decode("utf-8", "replace") if raw is not None else ""


def is_function(node: Node) -> bool:
    return node.type in FUNCTION_TYPES


def is_async(function: Node) -> bool:
    for child in function.children:
        kind = child.type  # read once: each read makes a new string in tree-sitter's binding
        if kind == "async":
            return True
        if kind in ("formal_parameters", "statement_block", "identifier", "property_identifier"):
            break
    return False


def enclosing(node: Node, types: frozenset[str]) -> Node | None:
    """The nearest ancestor of one of `types`."""
    current = node.parent
    while current is not None:
        if current.type in types:
            return current
        current = current.parent
    return None


def enclosing_function(node: Node) -> Node | None:
    return enclosing(node, FUNCTION_TYPES)


def import_names(statement: Node, text=text) -> list[tuple[str, str]]:
    """(local name, imported name) for each name an `import` statement binds; the imported
    name is "default", "*" (a namespace) or the exported name."""
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    names: list[tuple[str, str]] = []
    for part in clause.named_children if clause is not None else ():
        if part.type == "identifier":
            names.append((text(part), "default"))
        elif part.type == "namespace_import":
            local = next((c for c in part.named_children if c.type == "identifier"), None)
            if local is not None:
                names.append((text(local), "*"))
        elif part.type == "named_imports":
            for spec in part.named_children:
                name = spec.child_by_field_name("name") if spec.type == "import_specifier" else None
                if name is not None:
                    names.append((text(spec.child_by_field_name("alias") or name), text(name)))
    return names


def parameter_names(function: Node, text=text, fields=None) -> list[str]:
    """Simple parameter names in order; destructured or defaulted parameters give ''. `text`: a
    cheaper reader of a node's text where the caller has the source bytes (`JsModule.text`);
    `fields`: the grammar's field ids where the caller knows them (`JsModule`), read by id."""
    # "parameters" first: only an arrow function without parentheses has the single "parameter"
    params = _field(function, "parameters", fields)
    if params is None:
        single = _field(function, "parameter", fields)
        return [text(single)] if single is not None else []
    names = []
    for param in params.named_children:
        kind = param.type  # read once: each read makes a new string in tree-sitter's binding
        if kind == "comment":
            continue
        if kind in ("required_parameter", "optional_parameter"):
            pattern = _field(param, "pattern", fields)
            names.append(text(pattern) if pattern is not None and pattern.type == "identifier" else "")
        elif kind == "identifier":
            names.append(text(param))
        elif kind == "assignment_pattern":
            left = _field(param, "left", fields)
            names.append(text(left) if left is not None and left.type == "identifier" else "")
        else:
            names.append("")
    return names


def parameter_nodes(function: Node) -> list[Node]:
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [single]
    params = function.child_by_field_name("parameters")
    return [p for p in params.named_children if p.type != "comment"] if params is not None else []


def declared_arity(function: Node) -> int:
    """The function's `length`, which the Node.js 24 runtime reads to call a handler callback-based:
    the parameters before the first one with a default value or a rest parameter. A destructured
    parameter counts; TypeScript's `this` parameter does not, and an optional `x?` does (it
    compiles to a plain parameter)."""
    count = 0
    for param in parameter_nodes(function):
        if param.type in ("assignment_pattern", "rest_pattern"):
            break
        if param.type in ("required_parameter", "optional_parameter"):
            pattern = param.child_by_field_name("pattern")
            if param.child_by_field_name("value") is not None or (pattern is not None and pattern.type == "rest_pattern"):
                break
            if pattern is not None and pattern.type == "this":
                continue
        count += 1
    return count


def body(function: Node) -> Node | None:
    return function.child_by_field_name("body")


def member_parts(node: Node) -> tuple[Node | None, str]:
    """(object, property name) of `a.b` / `a?.b`; (None, '') for anything else."""
    if node.type != "member_expression":
        return None, ""
    return node.child_by_field_name("object"), text(node.child_by_field_name("property"))


def dotted_name(node: Node | None) -> str:
    """`a.b.c` for identifier/member chains, '' for anything else (calls, computed access)."""
    if node is None:
        return ""
    if node.type in ("identifier", "this", "property_identifier"):
        return text(node)
    if node.type == "member_expression":
        obj, prop = member_parts(node)
        base = dotted_name(obj)
        return f"{base}.{prop}" if base and prop else ""
    return ""


def unwrap(node: Node) -> Node:
    while node.type in TRANSPARENT and node.named_child_count:
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            break
        node = inner[0]
    return node


def outermost(node: Node) -> Node:
    """`node` with the parentheses and type assertions around it (`(x as T)!`)."""
    while node.parent is not None and node.parent.type in TRANSPARENT:
        node = node.parent
    return node


def _field(node: Node, name: str, fields) -> Node | None:
    """`node`'s child in field `name`: by id when the grammar's ids are known (`JsModule`'s)."""
    return node.child_by_field_name(name) if fields is None else node.child_by_field_id(getattr(fields, name))


# "arguments" has one field id in all three grammars: read by id, without tree-sitter's search by name
_ARGUMENTS_IDS = {language.field_id_for_name("arguments") for language in LANGUAGES.values()}
_ARGUMENTS = _ARGUMENTS_IDS.pop() if len(_ARGUMENTS_IDS) == 1 else None


def call_arguments(call: Node) -> list[Node]:
    args = call.child_by_field_id(_ARGUMENTS) if _ARGUMENTS is not None else call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def string_value(node: Node | None, text=text) -> str | None:
    if node is None or node.type not in ("string", "template_string"):
        return None
    if node.type == "template_string" and any(c.type == "template_substitution" for c in node.children):
        return None
    return text(node)[1:-1]


def descendants(node: Node, types: frozenset[str] | None = None, stop_at_functions: bool = False) -> Iterator[Node]:
    """Preorder walk below `node` (not including it); optionally not entering nested functions."""
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        if types is None or current.type in types:
            yield current
        if stop_at_functions and current.type in FUNCTION_TYPES:
            continue
        stack.extend(reversed(current.children))


def identifiers_named(node: Node, names: set[str] | frozenset[str]) -> Iterator[Node]:
    for current in descendants(node, frozenset({"identifier"})):
        if text(current) in names:
            yield current

