"""The "Run with asyncio.run" fix for an `async def` handler:

    @logger.inject_lambda_context            async def _handler_async(event, context):
    async def handler(event, context):   ->       ...
        ...                                  @logger.inject_lambda_context
                                             def handler(event, context):
                                                 return asyncio.run(_handler_async(event, context))

The decorators move to the synchronous wrapper (they wrap what the runtime calls), and
`import asyncio` is added when the module does not import it yet.
"""

from __future__ import annotations

import re

from astroid import nodes

from lambda_leak.model import Fix, Position, Range, TextEdit


def _imports_asyncio(module: nodes.Module) -> bool:
    for statement in module.body:
        if isinstance(statement, nodes.Import) and any(n == "asyncio" and a is None for n, a in statement.names):
            return True
    return False


def _import_position(module: nodes.Module) -> Position:
    """Before the first import that is not `from __future__`, else after the docstring/futures."""
    line = 0
    for statement in module.body:
        if isinstance(statement, nodes.ImportFrom) and statement.modname == "__future__":
            line = statement.end_lineno
            continue
        if isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Const) and statement is module.body[0]:
            line = statement.end_lineno
            continue
        if isinstance(statement, (nodes.Import, nodes.ImportFrom)):
            return Position(statement.lineno - 1, 0)
        break
    return Position(line, 0)


def run_with_asyncio(context, function: nodes.AsyncFunctionDef) -> Fix | None:
    source = context.source
    name = function.name
    new_name = f"_{name}_async"
    if new_name in context.module.locals:
        return None
    def_line = function.lineno - 1
    head = source.line_text(def_line)
    match = re.search(rf"\basync\s+def\s+({re.escape(name)})\b", head)
    if match is None:
        return None
    positional = list(function.args.posonlyargs or []) + list(function.args.args or [])
    params = ", ".join(a.name for a in positional)
    edits = []
    decorators = ""
    if function.decorators:
        first = function.decorators.lineno - 1
        decorators = "\n".join(source.line_text(n).lstrip() for n in range(first, def_line)) + "\n"
        edits.append(TextEdit(Range(Position(first, 0), Position(def_line, 0)), ""))
    edits.append(TextEdit(Range(Position(def_line, match.start(1)), Position(def_line, match.end(1))), new_name))
    body_indent = source.indent_of_line(function.body[0].lineno - 1) or "    "
    end_line = function.end_lineno - 1
    end = Position(end_line, len(source.line_text(end_line)))
    wrapper = f"\n\n\n{decorators}def {name}({params}):\n{body_indent}return asyncio.run({new_name}({params}))"
    edits.append(TextEdit(Range(end, end), wrapper))
    if not _imports_asyncio(context.module):
        at = _import_position(context.module)
        edits.append(TextEdit(Range(at, at), "import asyncio\n" + ("\n" if at.line and not _next_is_import(context.module, at) else "")))
    return Fix(title="Run with asyncio.run", safe=True, edits=tuple(edits))


def _next_is_import(module: nodes.Module, at: Position) -> bool:
    return any(isinstance(s, (nodes.Import, nodes.ImportFrom)) and s.lineno - 1 == at.line for s in module.body)
