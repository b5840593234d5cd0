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
import sys

from astroid import nodes

from lambda_leak.model import Fix, Position, Range, TextEdit


def _imports_asyncio(module: nodes.Module) -> bool:
    for statement in module.body:
        if isinstance(statement, nodes.Import) and any(n == "asyncio" and a is None for n, a in statement.names):
            return True
    return False


def _import_position(module: nodes.Module) -> Position:
    """Before the first import that is not `from __future__`, else after the docstring/futures."""
    line = module.doc_node.end_lineno if module.doc_node is not None else 0  # astroid keeps it off the body
    for statement in module.body:
        if isinstance(statement, nodes.ImportFrom) and statement.modname == "__future__":
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
    def_line = function.position.lineno - 1  # the `async def` line, below any decorators
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
        edits.append(TextEdit(Range(at, at), "import asyncio\n" + _separator(context.module, at)))
    # Safe unless code in this module calls the handler itself (it may `await handler(...)`).
    called_here = any(n.name == name for n in context.module.nodes_of_class(nodes.Name))
    return Fix(title="Run with asyncio.run", safe=not called_here, edits=tuple(edits))


def _separator(module: nodes.Module, at: Position) -> str:
    """A blank line after `import asyncio` unless the next line imports the standard library too."""
    for statement in module.body:
        if isinstance(statement, (nodes.Import, nodes.ImportFrom)) and statement.lineno - 1 == at.line:
            name = statement.names[0][0] if isinstance(statement, nodes.Import) else statement.modname
            return "" if name.split(".")[0] in sys.stdlib_module_names else "\n"
    return "\n"
