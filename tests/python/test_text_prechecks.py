"""The text pre-checks that skip Python files before parsing answer as the plain line-start patterns do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lambda_leak.python.handlers import name_matches
from lambda_leak.python.parsing import may_hold_handler
from lambda_leak.workspace.python import IMPORT_STATEMENT, RELATIVE, WORD, import_statements

TESTS = Path(__file__).resolve().parent.parent
NAMES = ("handler", "*Handler", "*_handler", "main", "lambda_handler")

# The reference: each pattern anchored at every line start (`^` with re.M).
_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)", re.M)
# a decorator, then more decorators, wrapped arguments, comments or blank lines, then the def
_DECORATED = re.compile(r"^@[^\n]*\n(?:[ \t][^\n]*\n|[@#)\]}][^\n]*\n|\n)*+(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([^)]*,", re.M)
_ASSIGN = re.compile(r"^(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*[\w(]", re.M)
_IMPORTS = re.compile(r"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*)", re.M)


def _reference_holds(text: str, declared: set[str]) -> bool:
    for pattern in (_DEF, _ASSIGN):
        if any(name_matches(m.group(1), NAMES) or m.group(1) in declared for m in pattern.finditer(text)):
            return True
    return _DECORATED.search(text) is not None


def _reference_words(text: str) -> frozenset[str]:
    statements = _IMPORTS.findall(text)
    words = {w for s in statements for w in WORD.findall(s)}
    return frozenset(words | ({"."} if any(RELATIVE.match(s) for s in statements) else set()))


def _words(text: str) -> frozenset[str]:
    statements = IMPORT_STATEMENT.findall("\n" + text)
    words = {w for s in statements for w in WORD.findall(s)}
    return frozenset(words | ({"."} if any(RELATIVE.match(s) for s in statements) else set()))


SHAPES = [
    "def handler(event, context):\n    pass\n",  # on the first line
    "import os\nasync def lambda_handler(event, context):\n    pass\n",
    "class A:\n    def handler(self, e, c):\n        pass\n",  # a method: not module level
    "handler = Mangum(app)\n",
    "handler: Callable = make()\n",
    "x = 1\n@app.route('/')\ndef index(a, b):\n    pass\n",
    "@wrap\n\n@other\ndef f(a):\n    pass\n",
    "from . import (\n    a,\n    b,\n)\nimport x.y as z\n  from .m import n\n",
    "def process(a):\r\n    return a\r\nmain = run\r\n",
    "",
    "import os; import sys\nx = 'import y'  # important\nfrom a import (b,\n  import_c)\nimport\nimportlib.x\n  import z",
    "from a import (\n    b)\nfrom c import (d\nimport e\n",  # a parenthesis left open: the regex runs on
]
FILES = sorted((TESTS / "fixtures" / "python").rglob("*.py")) + sorted((TESTS / "precision").rglob("*.py"))


@pytest.mark.parametrize("text", SHAPES + [p.read_text(encoding="utf-8") for p in FILES])
def test_same_answers_as_the_line_start_patterns(text: str):
    for declared in (set(), {"process", "index"}):
        assert may_hold_handler(text, NAMES, declared) == _reference_holds(text, declared)
    assert _words(text) == _reference_words(text)
    assert import_statements(text) == IMPORT_STATEMENT.findall("\n" + text)


def test_the_fixtures_cover_both_answers():
    answers = {may_hold_handler(p.read_text(encoding="utf-8"), NAMES, set()) for p in FILES}
    assert answers == {True, False} and len(FILES) > 50


WRAPPER_SHAPES = {
    "def wrap(handler):\n    def decorated(event, context):\n        return handler(event, context)\n    return decorated\n": True,
    "def wrap(fn):\n    async def inner(evt, lambda_context):\n        return await fn(evt, lambda_context)\n    return (inner)\n": True,
    "class Signer:\n    def sign(self, context):\n        return context\n": False,  # a method: what vendored code has
    "def outer():\n    def inner(event, context):\n        pass\n    return None\n": False,  # not returned
    "def outer():\n    def inner(event, context):\n        pass\n    def other():\n        return inner\n    return other\n": False,
    "def outer():\n    if True:\n        def inner(event, ctx):\n            pass\n    return inner\n": False,  # not in its body
    "def wrap(h):\n    def inner(event, context):\n        return h(event)\n    return (  # the wrapped one\n        inner\n    )\n": True,
    "def wrap(h):\n    def inner(event, context):\n        return h(event)\n    return \\\n        inner\n": True,
    "def wrap(h):\n    def \ufb01nal(event, context):\n        pass\n    return final\n": True,  # one name: Python normalises it
    "def wrap(h):\n    def inner(event, context):\n        pass\n    return inner_too\n": False,
    "def outer(:\n    def inner(event, context):\n        pass\n    return inner\n": True,  # does not parse: astroid's part may hold one
}


@pytest.mark.parametrize(("text", "expected"), WRAPPER_SHAPES.items())
def test_the_wrapper_precheck_on_shapes(text: str, expected: bool):
    from lambda_leak.python.wrappers import may_hold_wrapper

    assert may_hold_wrapper(text) is expected


@pytest.mark.parametrize("text", list(WRAPPER_SHAPES)[:-1] + [p.read_text(encoding="utf-8") for p in FILES])
def test_the_wrapper_precheck_answers_as_the_tree_does(text: str):
    """`may_hold_wrapper` (text, then `ast`) says yes exactly where astroid's tree has a wrapper."""
    from lambda_leak.python import parsing
    from lambda_leak.python.wrappers import may_hold_wrapper, wrapper_functions

    try:
        module = parsing._build(text, "/nowhere/wrapped.py")
    except Exception:  # noqa: BLE001 - a fixture that does not parse: covered by the shape above
        return
    assert may_hold_wrapper(text) is bool(wrapper_functions(module))


@pytest.mark.parametrize("text", SHAPES + ["from . import a\nif x: import b; import c, d as e\n  from .m import (n)\nimportx = 1"]
                         + [p.read_text(encoding="utf-8") for p in FILES])
def test_import_lines_are_the_patterns_matches(text: str):
    from lambda_leak.python.pruning import _IMPORT_LINE, import_lines

    expected = [(m.span(), m.groups()) for m in _IMPORT_LINE.finditer(text)]
    assert [(m.span(), m.groups()) for m in import_lines(text)] == expected


@pytest.mark.parametrize("text", list(WRAPPER_SHAPES) + ["def f(a,\n      ctx):\n    def g(e, context): pass\ndef h(): pass"]
                         + [p.read_text(encoding="utf-8") for p in FILES])
def test_nested_context_functions_are_those_of_the_pattern(text: str):
    from lambda_leak.python.wrappers import _NESTED_EVENT_CONTEXT, _nested_event_context_names

    # the same names (a superset is all the soundness of the pre-check needs; on real code they are equal)
    assert _nested_event_context_names(text) == {m.group(1) for m in _NESTED_EVENT_CONTEXT.finditer(text)}


HOLDS_SHAPES = {
    "import typing\n@typing.overload\ndef f(a: None, b: int) -> None: ...\n": False,  # vendored libraries
    "from functools import lru_cache\n@lru_cache(maxsize=2)\ndef f(a, b):\n    pass\n": False,
    "@classmethod\ndef from_dict(cls, d):\n    pass\n": False,  # unbound: no qualified name
    "@app.route('/')\ndef index(a, b):\n    pass\n": False,
    "def main():\n    pass\n": False,
    "def main( ) -> None:\n    pass\n": False,
    "def set_logging_handler(level, name=None, *, fmt=None):\n    pass\n": True,  # the text cannot tell
    "def set_logging_handler(level):\n    pass\n": False,
    "def test_handler(a, b):\n    pass\n": False,
    "from mw import deco\n@deco\ndef f(event, context):\n    pass\n": True,  # a project middleware, maybe
    "from .mw import deco\n@deco\ndef f(event, context):\n    pass\n": True,
    "import os.path as typing\nfrom x import *\n@typing.overload\ndef f(a, b): ...\n": True,  # `*` may bind anything
    "import typing\ntyping = make()\n@typing.overload\ndef f(a, b): ...\n": True,
    "@Registry().route\ndef f(a, b): ...\n": True,
    "@aws_lambda_powertools.logging.inject_lambda_context\ndef f(a, b): ...\n": True,
    "@typing.overload\ndef f(a, b, c): ...\n": False,
    "def lambda_handler(event, context: LambdaContext):\n    pass\n": True,
    "def main(event, context):\n    pass\n": True,
    "handler = Mangum(app)\n": True,
    "handler: Callable\n@typing.overload\ndef f(a, b): ...\n": False,  # no value: no handler
    "@wrap\ndef f(a, b):\n  pass\n  x = (\n": True,  # does not parse: astroid's part may hold one
    "x = 1\n": False,
    # Black's wrapping: a decorator's arguments over several lines, a comment before the def, a
    # parenthesised assignment
    "from mw import deco\n@deco(\n    a=1,\n)\ndef process(event, context):\n    pass\n": True,
    "from mw import deco\n@deco\n# why\n\n@deco(\n    [1, 2]\n    )\nasync def process(event, context):\n    pass\n": True,
    "handler = (\n    Mangum(app)\n)\n": True,
    "@dataclass(\n    frozen=True,\n)\nclass Order:\n    def total(self, tax):\n        pass\n": False,  # a class
}


@pytest.mark.parametrize(("text", "expected"), HOLDS_SHAPES.items())
def test_the_handler_precheck_on_shapes(text: str, expected: bool):
    from lambda_leak.python.parsing import holds_handler_candidate

    assert holds_handler_candidate(text, NAMES, set()) is expected


@pytest.mark.parametrize("text", list(HOLDS_SHAPES) + SHAPES + [p.read_text(encoding="utf-8") for p in FILES])
def test_the_handler_precheck_says_yes_wherever_a_handler_is_found(text: str):
    """`holds_handler_candidate` (text, then `ast` where the text is vague) is a superset of
    `discover` on astroid's tree, and says no only where `may_hold_handler` does or the tree
    has no handler."""
    from lambda_leak.python import parsing
    from lambda_leak.python.handlers import discover

    for names, declared in ((NAMES, set()), (NAMES, {"process", "index", "f"}), (("*",), set()), (("on_?vent",), set())):
        holds = parsing.holds_handler_candidate(text, names, declared)
        assert holds <= parsing.may_hold_handler(text, names, declared)
        try:
            module = parsing._build(text, "/nowhere/handlers.py")
        except Exception:  # noqa: BLE001 - a text that does not parse: the precheck says yes (shape above)
            continue
        if discover(module, names, declared):
            assert holds, (names, declared)
