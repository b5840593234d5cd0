"""The ways into a module from other files: its exported functions and methods, and what it
re-exports from elsewhere.

An *entry* is `(export name, member)`: `("save", None)` for `export async function save`,
`("db", "query")` for a method of an exported object, class or instance. CommonJS
`module.exports = X` is the entry named "default". The same code serves the index (which
summarises entries) and the analysis (which turns the entries other files call back into
functions of the parsed file), so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from lambda_leak.javascript.handlers import _exports, exported_function
from lambda_leak.javascript.module import Binding, JsModule
from lambda_leak.javascript.syntax import (
    CLASS_TYPES,
    FIELD_TYPES,
    FUNCTION_TYPES,
    call_arguments,
    string_value,
    unwrap,
)

Entry = tuple[str, "str | None"]
Ref = tuple[str, str, "str | None"]  # (module specifier, imported name | "default" | "*", member)


def is_relative(specifier: str) -> bool:
    return specifier.startswith(("./", "../", "/")) or specifier in (".", "..")


@dataclass
class ModuleEntries:
    functions: dict[Entry, tuple[Node, Node, str]] = field(default_factory=dict)  # entry -> (function, statement, wrapper)
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (specifier, imported)
    stars: list[str] = field(default_factory=list)  # `export * from './x'`, `module.exports = require('./x')`


def binding_ref(binding: Binding, member: str | None) -> Ref | None:
    """The project import a binding names, as a reference other files' summaries can answer."""
    if binding.kind != "import" or not binding.module:
        return None
    specifier, _, base = binding.module.partition("#")
    if not is_relative(specifier):
        return None
    if base:  # const { x } = require('./m').base
        return (specifier, base, binding.imported) if member is None else None
    return specifier, binding.imported, member


def _methods(module: JsModule, container: Node) -> list[tuple[str, Node]]:
    """Named methods of a class or object literal."""
    found: list[tuple[str, Node]] = []
    if container.type in CLASS_TYPES:
        members = container.child_by_field_id(module.field_ids.body)
        for member in members.named_children if members is not None else ():
            if member.type == "method_definition":
                found.append((module.text(member.child_by_field_id(module.field_ids.name)), member))
            elif member.type in FIELD_TYPES:
                key = member.child_by_field_id(module.field_ids.property) or member.child_by_field_id(module.field_ids.name)
                value = member.child_by_field_id(module.field_ids.value)
                if key is not None and value is not None and unwrap(value).type in FUNCTION_TYPES:
                    found.append((module.text(key), unwrap(value)))
    elif container.type == "object":
        for member in container.named_children:
            name = ""
            if member.type == "method_definition":
                name = module.text(member.child_by_field_id(module.field_ids.name))
            elif member.type == "pair":
                name = module.text(member.child_by_field_id(module.field_ids.key)).strip("'\"")
            elif member.type == "shorthand_property_identifier":
                name = module.text(member)
            if name:
                function = module.member_function(container, name)
                if function is None and member.type == "shorthand_property_identifier":
                    bound = module.resolve(name, member)
                    function = bound.node if bound is not None and bound.kind == "function" else None
                if function is not None:
                    found.append((name, function))
    return found


def _container(module: JsModule, value: Node) -> Node | None:
    """The class or object literal whose methods an exported value offers."""
    value = unwrap(value)
    if value.type in CLASS_TYPES or value.type == "object":
        return value
    if value.type == "new_expression":
        return module.local_class(module.dotted(value.child_by_field_id(module.field_ids.constructor)), value)
    if value.type in ("identifier", "shorthand_property_identifier"):
        bound = module.resolve(module.text(value), value)
        if bound is None or bound.node is None:
            return None
        if bound.kind in ("class", "object"):
            return bound.node
        if bound.kind == "instance":
            return module.local_class(bound.constructor, value)
    return None


def _required(module: JsModule, value: Node) -> str | None:
    """'./x' for `require('./x')`."""
    value = unwrap(value)
    if value.type == "call_expression" and module.text(value.child_by_field_id(module.field_ids.function)) == "require":
        args = call_arguments(value)
        specifier = string_value(args[0], module.text) if args else None
        if specifier is not None and is_relative(specifier):
            return specifier
    return None


def _add_value(module: JsModule, entries: ModuleEntries, name: str, value: Node, statement: Node) -> None:
    function, wrapper = exported_function(module, value)
    if function is not None and function.type not in CLASS_TYPES:
        entries.functions[(name, None)] = (function, statement, wrapper)
        return
    container = _container(module, value)
    if container is not None:
        for member, method in _methods(module, container):
            entries.functions.setdefault((name, member), (method, statement, ""))
        return
    required = _required(module, value)
    if required is not None:
        entries.reexports[name] = (required, "*")
        return
    value = unwrap(value)
    if value.type in ("identifier", "shorthand_property_identifier"):
        bound = module.resolve(module.text(value), value)
        ref = binding_ref(bound, None) if bound is not None else None
        if ref is not None:
            entries.reexports[name] = (ref[0], ref[1])
    elif value.type == "member_expression":  # { handler: impl.handler } with impl = require('./impl')
        obj = unwrap(value.child_by_field_id(module.field_ids.object))
        required = _required(module, obj)  # { save: require('./db').save }
        if required is not None:
            entries.reexports[name] = (required, module.text(value.child_by_field_id(module.field_ids.property)))
        elif obj.type == "identifier":
            bound = module.resolve(module.text(obj), obj)
            ref = binding_ref(bound, None) if bound is not None else None
            if ref is not None and ref[1] == "*":
                entries.reexports[name] = (ref[0], module.text(value.child_by_field_id(module.field_ids.property)))


def module_entries(module: JsModule) -> ModuleEntries:
    """The module's entries (memoised on the module: the index and the analysis both ask; read only)."""
    memo = module._entries_memo
    if memo is None:
        memo = module._entries_memo = _module_entries(module)
    return memo


def _module_entries(module: JsModule) -> ModuleEntries:
    entries = ModuleEntries()
    fields = module.field_ids  # fields read by id: no search by name in tree-sitter
    for name, value, statement in _exports(module):
        if value is not None:
            _add_value(module, entries, name, value, statement)
    for statement in module.root.named_children:
        kind = statement.type  # read once: each read makes a new string in tree-sitter's binding
        if kind == "expression_statement" and statement.named_child_count:
            expression = unwrap(statement.named_children[0])
            if expression.type != "assignment_expression":
                continue
            if module.dotted(expression.child_by_field_id(fields.left)) != "module.exports":
                continue
            value = expression.child_by_field_id(fields.right)
            if value is not None and unwrap(value).type == "object":
                for member in unwrap(value).named_children:  # { ...require('./db'), other }
                    required = _required(module, member.named_children[0]) if member.type == "spread_element" and member.named_child_count else None
                    if required is not None:
                        entries.stars.append(required)
                continue  # the other members are listed one by one by _exports
            if value is None:
                continue
            required = _required(module, value)
            if required is not None:
                entries.stars.append(required)
            else:
                _add_value(module, entries, "default", value, statement)
        elif kind == "export_statement":
            _export_statement(module, entries, statement)
    return entries


def _export_statement(module: JsModule, entries: ModuleEntries, statement: Node) -> None:
    source = string_value(statement.child_by_field_id(module.field_ids.source), module.text)
    declaration = statement.child_by_field_id(module.field_ids.declaration)
    if source is not None:
        if not is_relative(source):
            return
        clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
        namespace = next((c for c in statement.named_children if c.type == "namespace_export"), None)
        if clause is not None:
            for spec in clause.named_children:
                if spec.type == "export_specifier":
                    local = module.text(spec.child_by_field_id(module.field_ids.name))
                    alias = spec.child_by_field_id(module.field_ids.alias)
                    entries.reexports[module.text(alias) if alias is not None else local] = (source, local)
        elif namespace is not None:
            alias = next((c for c in namespace.named_children if c.type in ("identifier", "string")), None)
            if alias is not None:
                entries.reexports[module.text(alias).strip("'\"")] = (source, "*")
        else:
            entries.stars.append(source)
    elif declaration is not None and declaration.type in CLASS_TYPES:
        name = declaration.child_by_field_id(module.field_ids.name)
        exported = "default" if any(c.type == "default" for c in statement.children) else module.text(name)
        if exported:
            for member, method in _methods(module, declaration):
                entries.functions.setdefault((exported, member), (method, statement, ""))
    elif declaration is None:
        value = statement.child_by_field_id(module.field_ids.value)
        if value is not None and any(c.type == "default" for c in statement.children):
            function, _ = exported_function(module, value)
            if function is None or function.type in CLASS_TYPES:  # export default class / new X() / object
                _add_value(module, entries, "default", value, statement)
        elif value is None:
            default_class = next((c for c in statement.named_children if c.type in CLASS_TYPES), None)
            if default_class is not None:  # export default class { … }
                _add_value(module, entries, "default", default_class, statement)


def project_names(module: JsModule) -> set[str]:
    """The names some scope of the file binds to a project import: only these can make a call run
    another file's code (read from every block's declarations, which resolving the calls' names
    reads nearly all of anyway)."""
    names = set()
    for block in module.declaring_blocks():
        for name, binding in module.scope(block).items():
            if binding.kind == "import" and binding.module and is_relative(binding.module.partition("#")[0]):
                names.add(name)
    return names


def call_refs(module: JsModule, call: Node, names: set[str] | None = None) -> list[Ref]:
    """The project imports a call (or `new`) runs: its callee and functions passed by name.
    `names`: `project_names(module)`, when known: other names are not looked up."""
    refs: list[Ref] = []
    if call.type == "new_expression":
        constructor = unwrap(call.child_by_field_id(module.field_ids.constructor))
        if constructor.type == "identifier":
            bound = _project_binding(module, constructor, names)
            ref = binding_ref(bound, "constructor") if bound is not None else None
            if ref is not None:
                refs.append(ref)
        return refs
    callee = unwrap(module.callee(call))
    if callee.type == "identifier":
        bound = _project_binding(module, callee, names)
        ref = binding_ref(bound, None) if bound is not None else None
        if ref is not None:
            refs.append(ref)
    elif callee.type == "member_expression":
        obj = unwrap(callee.child_by_field_id(module.field_ids.object))
        if obj.type in ("identifier", "member_expression"):
            ref = member_ref(module, obj, module.text(callee.child_by_field_id(module.field_ids.property)), names)
            if ref is not None:
                refs.append(ref)
    for argument in module.arguments(call):
        argument = unwrap(argument)
        if argument.type == "identifier":
            bound = _project_binding(module, argument, names)
            ref = binding_ref(bound, None) if bound is not None else None
            if ref is not None:
                refs.append(ref)
    return refs


def _project_binding(module: JsModule, identifier: Node, names: set[str] | None) -> Binding | None:
    """What `identifier` is bound to, when its name may be a project import's (`names`)."""
    name = module.text(identifier)
    return module.resolve(name, identifier) if names is None or name in names else None


def member_ref(module: JsModule, obj: Node, member: str, names: set[str] | None = None) -> Ref | None:
    """`lib.fn()` on an imported namespace/object, or `svc.run()` / `this.svc.run()` on an instance
    of an imported class. `names`: as for `call_refs`."""
    if obj.type == "identifier":
        bound = module.resolve(module.text(obj), obj)
        if bound is None:
            return None
        if bound.kind == "import":
            return binding_ref(bound, member)
    constructor = module.receiver_class(obj)
    if constructor and "." not in constructor and (names is None or constructor in names):
        bound = module.resolve(constructor, obj)
        if bound is not None:
            return binding_ref(bound, member)
    return None


def entry_functions(module: JsModule, wanted: dict[Entry, bool]) -> list[tuple[Node, bool]]:
    """The functions of `module` behind entries other files call, with each one's flag."""
    if not wanted:
        return []
    functions = module_entries(module).functions
    return [(functions[entry][0], flag) for entry, flag in wanted.items() if entry in functions]
