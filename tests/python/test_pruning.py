"""Pruning must never change what is found: every Python fixture, and generated handler
files, give the same findings with and without it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fixture_cases import cases
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.python import parsing, pruning

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import python_speed  # noqa: E402


def _findings(path: str, text: str):
    parsing._BUFFERS.clear()
    report = analyse_source(path, text, Config(select=frozenset({"ALL"})))
    return [(f.rule, f.range, f.message) for f in report.findings]


def _unpruned(monkeypatch, path: str, text: str):
    with monkeypatch.context() as patch:
        patch.setattr(pruning, "prune", lambda *args: None)
        patch.setattr(pruning, "might_fire", lambda *args: True)
        return _findings(path, text)


PYTHON_FIXTURES = [c.path for c in cases("python")]


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_find_the_same(monkeypatch, path):
    text = path.read_text(encoding="utf-8")
    assert _findings(str(path), text) == _unpruned(monkeypatch, str(path), text)


def test_generated_handlers_find_the_same(monkeypatch, tmp_path):
    for path in python_speed.generate(tmp_path, 10):
        text = path.read_text()
        pruned = _findings(str(path), text)
        assert pruned == _unpruned(monkeypatch, str(path), text)


def test_pruning_hollows_only_irrelevant_bodies():
    import ast

    text = (
        "import threading\n"
        "def helper(x):\n    return x + 1\n"
        "def starts():\n    threading.Thread(target=print).start()\n"
        "def links(x):\n    return helper(x)\n"
        "def handler(event, context):\n    return links(event)\n"
    )
    tree = ast.parse(text)
    pruning.prune(tree, text, "app.py")
    hollow = {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and isinstance(f.body[0], ast.Pass)}
    assert hollow == {"helper"}


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_mangled_fixtures_never_crash(path):
    """Every prefix of a fixture, and the fixture without each line: broken code, never an internal error."""
    lines = path.read_text(encoding="utf-8").split("\n")
    variants = ["\n".join(lines[:cut]) for cut in range(0, len(lines), 3)]
    variants += ["\n".join(lines[:n] + lines[n + 1 :]) for n in range(0, len(lines), 2)]
    for text in variants:
        report = analyse_source(str(path), text, Config(select=frozenset({"ALL"})))
        assert report.error is None or "internal error" not in report.error, (report.error, text)
