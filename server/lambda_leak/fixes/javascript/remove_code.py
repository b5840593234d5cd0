"""Fixes that delete code: a statement (with its line when it stands alone), a middy `.use(…)`
link, and an import nothing uses any more."""

from __future__ import annotations

from tree_sitter import Node

from lambda_leak.fixes.javascript.edits import replace_bytes
from lambda_leak.javascript.syntax import call_arguments, descendants, text, unwrap
from lambda_leak.model import TextEdit

_BLOCKS = frozenset({"statement_block", "program", "switch_case", "switch_default", "class_body"})


def removal_span(source, start: int, end: int) -> tuple[int, int]:
    """Bytes to delete: whole lines (with a trailing `//` comment) when no other code shares
    them, else exactly the span."""
    data = source.data
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", end)
    line_end = len(data) if line_end == -1 else line_end
    rest = data[end:line_end].strip()
    if not data[line_start:start].strip() and (not rest or rest.startswith(b"//")):
        return line_start, min(line_end + 1, len(data))
    return start, end


def remove_statement(source, statement: Node) -> TextEdit | None:
    """Delete a statement that sits directly in a block (never the lone body of an `if`)."""
    if statement.parent is None or statement.parent.type not in _BLOCKS:
        return None
    start, end = removal_span(source, statement.start_byte, statement.end_byte)
    return replace_bytes(source, start, end, "")


def remove_use(source, middleware: Node) -> TextEdit | None:
    """Delete a middy middleware: `.use(m())` from a chain, `h.use(m());` as a statement, or the
    element `m()` of `.use([a, m()])`."""
    holder = middleware.parent
    if holder is not None and holder.type == "array":
        elements = [e for e in holder.named_children if e.type != "comment"]
        if len(elements) > 1:
            index = elements.index(middleware)
            if index + 1 < len(elements):
                return replace_bytes(source, middleware.start_byte, elements[index + 1].start_byte, "")
            return replace_bytes(source, elements[index - 1].end_byte, middleware.end_byte, "")
        middleware, holder = holder, holder.parent
    if holder is None or holder.type != "arguments" or len(call_arguments(holder.parent)) != 1:
        return None
    use = holder.parent
    callee = use.child_by_field_name("function")
    if callee is None or callee.type != "member_expression" or text(callee.child_by_field_name("property")) != "use":
        return None
    target = unwrap(callee.child_by_field_name("object"))
    statement = use.parent
    if statement is not None and statement.type == "expression_statement" and target.type == "identifier":
        return remove_statement(source, statement)  # `handler.use(m());`
    dot = source.data.index(b".", callee.child_by_field_name("object").end_byte)
    start, end = removal_span(source, dot, use.end_byte)
    if (start, end) == (dot, use.end_byte):  # the link shares its line: cut from the object's end
        start = callee.child_by_field_name("object").end_byte
    return replace_bytes(source, start, end, "")


def remove_unused_import(context, name: str, removed: Node) -> TextEdit | None:
    """Delete `import name from "…"` / `const name = require("…")` when `removed` was its only use."""
    module = context.module
    bound = module.module_scope.get(name)
    if bound is None or bound.kind != "import" or bound.node is None:
        return None
    uses = [
        ref
        for ref in descendants(module.root, frozenset({"identifier"}))
        if text(ref) == name and not (bound.node.start_byte <= ref.start_byte < bound.node.end_byte)
    ]
    if len(uses) != 1 or not (removed.start_byte <= uses[0].start_byte < removed.end_byte):
        return None
    statement = bound.node
    while statement is not None and statement.type not in ("import_statement", "lexical_declaration", "variable_declaration"):
        statement = statement.parent
    if statement is None or statement.parent is None or statement.parent.type != "program":
        return None
    declared = [d for d in descendants(statement, frozenset({"identifier"})) if text(d) != "require"]
    if len(declared) != 1:
        return None  # other names come from the same statement
    return remove_statement(context.source, statement)
