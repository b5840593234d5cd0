"""The Python stack reader's walk visits the nodes `ast.walk` visits, in the same order (a later
binding of a name wins, so the order is part of the answer)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lambda_leak.iac import cdk_python

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCES = sorted(p for p in FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_walk_is_ast_walk(path: Path):
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except SyntaxError:
        pytest.skip("not Python the reader parses")
    assert [id(node) for node in cdk_python._walk(tree)] == [id(node) for node in ast.walk(tree)]


def test_later_imports_of_a_name_win_as_before():
    text = "import aws_cdk.aws_lambda as fn\nif x:\n    from other import thing as fn\n"
    reader = cdk_python.StackReader(Path("app.py"), Path("."))
    reader.collect(ast.parse(text))
    assert reader.bindings["fn"] == "other.thing"
