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
        patch.setattr(pruning, "prune", lambda text, path: (text, []))
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
    pruned = pruning.prune_text(text, "app.py")
    assert len(pruned) == len(text) and pruned.count("\n") == text.count("\n")  # every position stays
    tree = ast.parse(pruned)
    hollow = {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and isinstance(f.body[0], ast.Pass)}
    assert hollow == {"helper"}
    assert pruned.replace("pass        ", "return x + 1") == text


def test_pruned_text_keeps_every_position():
    import ast

    text = (
        "def one_line(x): return x  # note\n"
        'def tabbed(x):\n\t"""doc"""\n\ty = [x,\n\t     x]\n\treturn y\n'
        "def after(x):\n    x = 1\n    return x ;\n"
        "é = 'ü'; CONSTANT = 1\n"
        "def wide(s='ü'):\n    return 'é' + s\n"
        "def handler(event, context):\n    return CONSTANT\n"
    )
    pruned = pruning.prune_text(text, "app.py")
    tree, original = ast.parse(pruned), ast.parse(text)
    bodies = {f.name: [type(s).__name__ for s in f.body] for f in tree.body if isinstance(f, ast.FunctionDef)}
    # `after`: a `;` after a multi-line body could not stay alone on its line, so it is kept whole
    assert bodies == {"one_line": ["Pass"], "tabbed": ["Pass"], "after": ["Assign", "Return"], "wide": ["Pass"],
                      "handler": ["Pass"]}
    assert [(s.lineno, s.col_offset) for s in tree.body] == [(s.lineno, s.col_offset) for s in original.body]
    assert "# note" in pruned


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_mangled_fixtures_never_crash(path):
    """Every prefix of a fixture, and the fixture without each line: broken code, never an internal error."""
    lines = path.read_text(encoding="utf-8").split("\n")
    variants = ["\n".join(lines[:cut]) for cut in range(0, len(lines), 3)]
    variants += ["\n".join(lines[:n] + lines[n + 1 :]) for n in range(0, len(lines), 2)]
    for text in variants:
        report = analyse_source(str(path), text, Config(select=frozenset({"ALL"})))
        assert report.error is None or "internal error" not in report.error, (report.error, text)


def test_pruning_is_tried_only_where_it_pays():
    """Pruning costs an `ast.parse` of its own: skipped where bodies link to each other."""
    helpers = "".join(f"def helper_{i}(x):\n    total = x * {i}\n    return total + 1\n\n\n" for i in range(8))
    assert pruning.worth_pruning("import threading\n\n\n" + helpers + "def handler(event, context):\n    return 1\n")
    linked = "".join(f"    def step_{i}(self, x):\n        return self.step_{(i + 1) % 8}(x)\n\n" for i in range(8))
    assert not pruning.worth_pruning("class Service:\n" + linked)
    assert not pruning.worth_pruning("def handler(event, context):\n    return 1\n")


def test_text_pruning_hollows_what_the_tree_pruning_does(tmp_path):
    """Pruning decided from the text alone (no `ast.parse` of its own) hollows the same bodies
    as the tree-based one, or falls back to it where the text is unusual."""
    texts = [p.read_text() for p in python_speed.generate(tmp_path, 20)]
    texts += [p.read_text(encoding="utf-8") for p in PYTHON_FIXTURES]
    answered = 0
    for text in texts:
        pruned, hollow = pruning.prune(text, "app.py")
        if hollow:
            answered += 1
            assert pruned == pruning.prune_text(text, "app.py")
    assert answered >= 20


def test_text_pruning_guesses_are_checked_on_the_tree():
    """A `def` inside a string looks like one to the text: astroid's tree shows it is not, and
    the file is built unpruned, with the string as it was."""
    helpers = "".join(f"def helper_{i}(x):\n    total = x * {i}\n    return total + 1\n\n\n" for i in range(6))
    text = (
        "import threading\n"
        "def usage():\n"
        '    """\n'
        "def example(x):\n"
        "    return x\n"
        '"""\n' + helpers + "def handler(event, context):\n    threading.Thread(target=print).start()\n"
    )
    pruned, hollow = pruning.prune(text, "app.py")
    assert hollow and "    return x\n" not in pruned  # the text-only guess hollowed the string too
    module = parsing.parse_buffer(text, "/nowhere/app.py")
    assert module.body[1].doc_node.value == "\ndef example(x):\n    return x\n"
    helpers = [f for f in module.body if getattr(f, "name", "").startswith("helper_")]
    assert len(helpers) == 6 and not any(type(f.body[0]).__name__ == "Pass" for f in helpers)


def test_text_helpers_agree_with_the_plain_regex_forms():
    """The fast forms (substring searches first, no leading `\\b`) answer as the plain ones."""
    import re

    text = "reimport x; import os\nxfrom a import b\nfrom .util import send  # import later\n_import y\nimport z"
    plain_forms = (r"\bimport[ \t]+([^\n;#]*)", r"\bfrom[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n;#]*)")
    for fast, plain in zip((pruning._IMPORT, pruning._FROM_IMPORT), plain_forms):
        assert [m.span() for m in pruning.word_matches(fast, text)] == [m.span() for m in re.finditer(plain, text)]
    words = "def store(item):\n    table.put_item(Item=item)  # stored_items\n"
    many = {f"name_{i}" for i in range(100)}
    for names in ({"table"}, {"stored"}, {"store"}, {"store", "Item"}, many, many | {"put_item"}):
        for start in (0, len("def store(item):")):
            expected = bool(set(re.findall(r"\w+", words[start:])) & names)
            assert pruning.uses_any(words, names, start) == expected, (names, start)


def test_text_links_resolve_import_statements_only(tmp_path, monkeypatch):
    """`import` after `from x` is not an import statement of its own: only statements are looked up."""
    from lambda_leak.python import project

    (tmp_path / "helpers.py").write_text("def send():\n    pass\n")
    asked = []
    real = project.resolve_qualified
    monkeypatch.setattr(project, "resolve_qualified", lambda name, path: asked.append(name) or real(name, path))
    text = "from boto3 import client\nif True: import helpers\nx = 1; import json\n"
    links = pruning._text_links(text, str(tmp_path / "app.py"))
    assert "helpers" in links and "client" not in links
    assert sorted(asked) == ["boto3.client.x", "helpers.x", "json.x"]


def test_every_module_of_an_import_list_counts(tmp_path, monkeypatch):
    """`import json, tasks`: the handler reaches the project's `tasks`, whose coroutine it drops."""
    (tmp_path / "tasks.py").write_text("async def record(item):\n    return item\n")
    handler = tmp_path / "app.py"
    text = "import json, tasks as jobs\n\ndef handler(event, context):\n    jobs.record(event)\n    return json.dumps(event)\n"
    handler.write_text(text)
    assert pruning.imports_project_module(text, str(handler))
    assert not pruning.imports_project_module("import json, os.path as p\n", str(handler))
    for spelled in ("import json; import tasks\n", "try: import tasks\nexcept ImportError: pass\n",
                    "if True: from tasks import record\n"):
        assert pruning.imports_project_module(spelled, str(handler)), spelled
    found = _findings(str(handler), text)
    assert [rule for rule, _, _ in found] == ["unawaited-coroutine"]
    assert found == _unpruned(monkeypatch, str(handler), text)
