"""The JavaScript stack reader collects imports, constants and `new` expressions with one query
(matched in C): the same, in the same order, as a walk over every named node."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambda_leak.iac import cdk_js
from lambda_leak.javascript.parser import parse
from lambda_leak.source import language_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and language_for(p.name) in ("javascript", "typescript", "tsx"))
ODD = {
    "open call": "import * as lambda from 'aws-cdk-lib/aws-lambda';\nconst a = 'x';\nnew lambda.Function(this, 'F', {",
    "declarator in an error": "const = new Foo(; let b = require('path'); const { join } = require('path');\nnew X(new Y())",
    "rebound names": "import * as lambda from 'aws-cdk-lib/aws-lambda';\nconst lambda = require('x');\n"
    "function f() { const lambda = require('y').z; }\nconst { join: lambda } = require('path');\n",
    "twice and nested": "const a = 1; function f() { const a = 2; const b = () => { const c = new Z(); }; }\nconst a = 3;",
}


def _walked(root, path: Path) -> cdk_js.StackReader:
    """The reader filled by the walk the query replaced (the reference): every named node, depth first."""
    reader = cdk_js.StackReader(path, path.parent)
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "import_statement":
            reader._import(node)
            continue
        if node.type == "variable_declarator":
            reader._declarator(node)
        elif node.type == "new_expression":
            reader.new_expressions.append(node)
        stack.extend(reversed(node.named_children))
    reader.new_expressions.sort(key=lambda n: n.start_byte)
    return reader


def _state(reader: cdk_js.StackReader):
    def where(node):
        return None if node is None else (node.start_byte, node.end_byte, node.type)

    return (dict(reader.bindings), {k: where(v) for k, v in reader.constants.items()},
            [where(n) for n in reader.new_expressions])


def _compare(text: str, path: Path, language: str) -> None:
    root = parse(text.encode("utf-8", "surrogatepass"), language).root_node
    queried = cdk_js.StackReader(path, path.parent)
    queried.collect(root, language)
    assert _state(queried) == _state(_walked(root, path))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_query_collects_what_the_walk_collected(path: Path):
    _compare(path.read_text(encoding="utf-8", errors="surrogateescape"), path, language_for(path.name))


@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_the_query_collects_what_the_walk_collected_in_odd_code(text: str):
    for language in ("javascript", "typescript", "tsx"):
        _compare(text, Path("stack.ts"), language)
