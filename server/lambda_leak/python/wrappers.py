"""Handler wrappers: error-reporting and APM decorators whose inner function *becomes* the
handler (`def wrap(handler): def decorated(event, context): ...; return decorated`).

Two facts the rules need:
- a nested `(event, context)` function that its enclosing function returns is a handler
  wrapper, on the handler path even when the decoration site is out of view (a decorator
  module analysed alone, a wrapper shipped in a shared package of the project);
- inside a wrapper, the call of the wrapped handler (a parameter of the enclosing function,
  or `self.<attr>` set from a constructor parameter) is where the user's code may raise: a
  timer or thread started before it and stopped only after it leaks when the handler raises.
"""

from __future__ import annotations

import ast
import re

from astroid import nodes

from lambda_leak.python.names import bindings
from lambda_leak.python.pruning import word_matches
from lambda_leak.workspace.python import lines_holding

# A nested def whose second parameter is a Lambda context: `    def decorated(event, context):`.
_NESTED_EVENT_CONTEXT = re.compile(
    r"^[ \t]+(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\([ \t]*\w+[ \t]*(?::[^,)]*)?,[ \t]*\w*(?:context|ctx)\b",
    re.M,
)
_CONTEXT_NAMES = frozenset({"context", "ctx", "lambda_context", "aws_context"})


def may_hold_wrapper(text: str) -> bool:
    """Whether the module may define a handler wrapper (`wrapper_functions` finds one), decided
    before astroid builds its tree: a look at the text (the substring test first: the pattern ends
    in one of them, and `in` is far cheaper than the search), then, where it matches, what `ast`
    parses of it. The pattern also matches every method taking a `context` (`def sign(self,
    context)`), common in vendored libraries: a text where no such function's name follows a
    `return` is not parsed; otherwise `ast` costs a tenth of astroid's build."""
    if not ("context" in text or "ctx" in text):
        return False
    names = _nested_event_context_names(text)
    if not names or (text.isascii() and not any(_returned(name, text) for name in names)):
        return False  # (a name that is not ASCII may be spelled two ways: Python normalises it)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # astroid analyses what parses of it: a wrapper may be in there
    return any(_returns_a_wrapper(outer) for outer in _functions(tree))


def _nested_event_context_names(text: str) -> set[str]:
    """The names `_NESTED_EVENT_CONTEXT` finds, the pattern tried only at the start of the lines
    holding "def". A superset of its `finditer`: also a line inside the span of a match before it."""
    matches = (_NESTED_EVENT_CONTEXT.match(text, start) for start, _ in lines_holding(text, "def"))
    return {match.group(1) for match in matches if match is not None}


def _returned(name: str, text: str) -> bool:
    """Whether `name` may follow a `return` as its whole value: `return name`, `return (name)`,
    across lines, comments and `\\` continuations too (a superset: in strings as well)."""
    if text.count(name) < 2:
        return False  # once: only where it is defined
    pattern = re.compile(r"return(?:[\s(\\]|#[^\n]*)*%s\b" % re.escape(name))
    return next(word_matches(pattern, text), None) is not None


def _functions(tree: ast.Module):
    """Every function of an `ast` tree, through statements only (a def is never inside an expression)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _AST_FUNCTIONS):
            yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, _STATEMENT_LIKE))


_AST_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_STATEMENT_LIKE = (ast.stmt, ast.excepthandler, ast.match_case)  # what holds statements


def _returns_a_wrapper(outer: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`wrapper_functions` on an `ast` function: whether it returns an `(event, context)` function
    defined in its body."""
    inner = {
        statement.name
        for statement in outer.body
        if isinstance(statement, _AST_FUNCTIONS) and _ast_event_context(statement.args)
    }
    if not inner:
        return False
    returned = set()
    stack = list(outer.body)
    while stack:  # its own statements: not those of nested functions and classes
        node = stack.pop()
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name):
            returned.add(node.value.id)
        if not isinstance(node, (*_AST_FUNCTIONS, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return not inner.isdisjoint(returned)


def _ast_event_context(arguments: ast.arguments) -> bool:
    positional = arguments.posonlyargs + arguments.args
    return len(positional) == 2 and (positional[1].arg in _CONTEXT_NAMES or positional[1].arg.endswith("_context"))


def _event_context(function: nodes.FunctionDef) -> bool:
    positional = list(function.args.posonlyargs or []) + list(function.args.args or [])
    return len(positional) == 2 and (positional[1].name in _CONTEXT_NAMES or positional[1].name.endswith("_context"))


def wrapper_functions(module: nodes.Module) -> list[nodes.FunctionDef]:
    """Nested `(event, context)` functions returned by the function that defines them."""
    found = []
    for outer in module.nodes_of_class(nodes.FunctionDef):
        for inner in outer.body:
            if not (isinstance(inner, nodes.FunctionDef) and _event_context(inner)):
                continue
            returned = (
                r.value
                for r in outer.nodes_of_class(nodes.Return, skip_klass=(nodes.FunctionDef, nodes.ClassDef))
                if isinstance(r.value, nodes.Name)
            )
            if any(name.name == inner.name for name in returned):
                found.append(inner)
    return found


def _parameter(name: nodes.Name) -> bool:
    found = bindings(name, name.name)
    return bool(found) and all(isinstance(b, nodes.AssignName) and isinstance(b.parent, nodes.Arguments) for b in found)


def _stored_callable(call: nodes.Call, function: nodes.FunctionDef) -> bool:
    """`self.handler(event, context)`: a callable the class stored (not one of its methods),
    handed this method's own arguments, as wrapper classes call the handler they wrap."""
    attribute = call.func
    if not (isinstance(attribute.expr, nodes.Name) and attribute.expr.name == "self"):
        return False
    klass = function.parent
    if not isinstance(klass, nodes.ClassDef):
        return False
    if any(isinstance(d, nodes.FunctionDef) for d in klass.locals.get(attribute.attrname, [])):
        return False
    own = {a.name for a in function.args.args or []} - {"self"}
    passed = {a.name for a in call.args if isinstance(a, nodes.Name)}
    return bool(own) and own <= passed


def wrapped_calls(function: nodes.FunctionDef) -> list[nodes.Call]:
    """Calls in `function` of a callable it was handed (its own parameter or its enclosing
    function's, or one stored on `self`): in a wrapper, the wrapped handler."""
    calls = []
    for call in function.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        func = call.func
        if isinstance(func, nodes.Name) and func.name not in _CONTEXT_NAMES and _parameter(func):
            calls.append(call)
        elif isinstance(func, nodes.Attribute) and _stored_callable(call, function):
            calls.append(call)
    return calls
