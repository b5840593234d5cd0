"""Whether a Python file may hold a handler is asked once per run: its own analysis and the reverse
walks of the files it imports share the answer (`reverse.holds_handler`), as long as the text
asked about is the project's text of that file."""

from __future__ import annotations

from pathlib import Path

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.python import parsing
from lambda_leak.workspace.index import Workspace

APP = """import threading
from utils import send


def lambda_handler(event, context):
    send(event)
    return {}
"""

UTILS = """import threading


def send(event):
    threading.Thread(target=print, args=(event,)).start()
"""


def project(tmp_path: Path) -> Workspace:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "utils.py").write_text(UTILS)
    return Workspace([tmp_path])


def counted(monkeypatch) -> list[str]:
    asked: list[str] = []
    real = parsing.holds_handler_candidate
    monkeypatch.setattr(parsing, "holds_handler_candidate",
                        lambda text, names, declared: asked.append(text) or real(text, names, declared))
    return asked


def test_each_file_is_asked_once_when_its_text_is_the_projects(tmp_path: Path, monkeypatch):
    workspace = project(tmp_path)
    asked = counted(monkeypatch)
    for name in ("utils.py", "app.py"):  # utils first: its reverse walk asks about app.py
        path = str(tmp_path / name)
        report = analyse_source(path, workspace.python.text(path), Config(), workspace)
        assert report.error is None
    rules = [f.rule for f in analyse_source(str(tmp_path / "utils.py"), workspace.python.text(str(tmp_path / "utils.py")),
                                            Config(), workspace).findings]
    assert rules == ["thread-leak"]
    assert sorted(asked) == sorted([UTILS, APP]), "utils.py by its analysis, app.py by the walk; app.py's analysis reuses it"


def test_an_unsaved_buffer_is_asked_afresh(tmp_path: Path, monkeypatch):
    workspace = project(tmp_path)
    asked = counted(monkeypatch)
    path = str(tmp_path / "app.py")
    analyse_source(path, workspace.python.text(path), Config(), workspace)
    edited = APP.replace("def lambda_handler(event, context):", "def helper(event):")
    report = analyse_source(path, edited, Config(), workspace)
    assert report.findings == []
    assert asked == [APP, edited]
