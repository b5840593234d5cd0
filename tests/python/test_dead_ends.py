"""Project modules that are dead ends for a handler path (no leak API, no import of the project)
are not built into trees while a module's own handler path is walked: that changes no finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_leak import cli
from lambda_leak.python import parsing, paths
from lambda_leak.python.project import using
from lambda_leak.workspace.python import PythonProject

TESTS = Path(__file__).resolve().parent.parent
FOLDERS = [TESTS / "fixtures", TESTS / "precision"]


def _findings(folder: Path, capsys) -> list:
    capsys.readouterr()
    cli.main(["check", str(folder), "--format", "json", "--no-cache", "--exit-zero", "--jobs", "1"])
    return json.loads(capsys.readouterr().out)


def _same_findings_without_skipping(folder: Path, monkeypatch, capsys) -> list[str]:
    """The findings with dead ends skipped equal those with none skipped; the files skipped."""
    skipped: list[str] = []
    real = paths.dead_end
    monkeypatch.setattr(paths, "dead_end", lambda file: real(file) and not skipped.append(file))
    fast = _findings(folder, capsys)
    monkeypatch.setattr(paths, "dead_end", lambda file: False)
    assert _findings(folder, capsys) == fast
    return skipped


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_skipping_dead_ends_changes_no_finding(folder: Path, monkeypatch, capsys):
    _same_findings_without_skipping(folder, monkeypatch, capsys)


PROJECT = {
    "app.py": """import threading
import asyncio

import helpers
from helpers import record
from service import Service
from pools import submit_later


def lambda_handler(event, context):
    threading.Thread(target=record, args=(1,)).start()
    helpers.Audit().write(event)
    Service().run(event)
    submit_later(event)
    asyncio.run(main(event))
    return {}


async def main(event):
    helpers.record(2)
    asyncio.create_task(asyncio.sleep(1))


def callback(value):
    threading.Timer(1, print).start()
""",
    "helpers.py": "import logging\n\n\ndef record(n):\n    logging.info(n)\n\n\nclass Audit:\n    def write(self, e):\n        record(e)\n",
    "service.py": "import helpers\n\n\nclass Service:\n    def run(self, e):\n        helpers.record(e)\n        from app import callback\n        callback(e)\n",
    "pools.py": "from concurrent.futures import ThreadPoolExecutor\n\nPOOL = ThreadPoolExecutor()\n\n\ndef submit_later(e):\n    POOL.submit(print, e)\n",
}


def test_skipping_dead_ends_changes_no_finding_across_modules(tmp_path: Path, monkeypatch, capsys):
    for name, text in PROJECT.items():
        (tmp_path / name).write_text(text)
    skipped = _same_findings_without_skipping(tmp_path, monkeypatch, capsys)
    assert {Path(f).name for f in skipped} == {"helpers.py"}
    found = {(Path(f["path"]).name, f["rule"]) for f in _findings(tmp_path, capsys)}
    assert {("app.py", "thread-leak"), ("app.py", "dangling-task"), ("pools.py", "executor-leak")} <= found


HANDLER = """import threading

from helpers import record


def lambda_handler(event, context):
    threading.Thread(target=record, args=(1,)).start()
    return {}
"""


def _project(tmp_path: Path, helpers: str, **others: str) -> Path:
    (tmp_path / "app.py").write_text(HANDLER)
    (tmp_path / "helpers.py").write_text(helpers)
    for name, text in others.items():
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


@pytest.mark.parametrize("helpers, others, dead", [
    ("import logging\n\ndef record(n):\n    logging.info(n)\n", {}, True),
    ("import boto3, json\nfrom os import path\n\ndef record(n):\n    return n\n", {}, True),
    ("def record(n:\n", {}, True),  # does not parse: no tree either way
    ("import threading\n\ndef record(n):\n    threading.Timer(1, print).start()\n", {}, False),
    ("from . import util\n\ndef record(n):\n    return util.send(n)\n", {}, False),
    ("import logging, util\n\ndef record(n):\n    return util.send(n)\n", {"util": "def send(n):\n    return n\n"}, False),
    ("def record(n):\n    import util.deep\n    return n\n", {"util": ""}, False),
])
def test_what_counts_as_a_dead_end(tmp_path: Path, helpers: str, others: dict, dead: bool):
    _project(tmp_path, helpers, **others)
    with using(PythonProject([tmp_path])):
        assert paths.dead_end(str(tmp_path / "helpers.py")) is dead


def test_the_handler_module_is_analysed_without_building_the_dead_end(tmp_path: Path, monkeypatch, capsys):
    _project(tmp_path, "import logging\n\ndef record(n):\n    logging.info(n)\n")
    built = []
    real = parsing.parse_file
    monkeypatch.setattr(parsing, "parse_file", lambda path: built.append(Path(path).name) or real(path))
    found = _findings(tmp_path, capsys)
    assert [(Path(f["path"]).name, f["rule"]) for f in found] == [("app.py", "thread-leak")]
    assert "helpers.py" not in built
