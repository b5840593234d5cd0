"""The questions a helper's reverse reach asks (`python.reverse`): whether a file may hold a
handler, once per run and file (its own analysis and the walks share the answer, as long as the
text asked about is the project's text of that file); whether any file of a package root may,
once per root; the walks made again when the deployment declares other handlers; and no answer
kept that was computed while the project's facts were dropped (the language server's threads)."""

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


VENDORED = """import threading


def flush(cache):
    threading.Thread(target=cache.clear, daemon=True).start()
"""


def test_a_package_root_without_a_handler_answers_its_modules_at_once(tmp_path: Path):
    """A vendored library's modules start threads, and no module of its package root holds a
    handler: none is reached from elsewhere, told without the root's importer index."""
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "utils.py").write_text(UTILS)
    vendored = tmp_path / "layer" / "python" / "vendorlib"
    vendored.mkdir(parents=True)
    (vendored / "__init__.py").write_text("from vendorlib.cache import flush\n")
    for n in range(5):
        (vendored / f"cache{n}.py").write_text(VENDORED.replace("def flush", f"def flush{n}"))
    (vendored / "cache.py").write_text("from vendorlib.cache0 import flush0 as flush\n")
    workspace = Workspace([tmp_path])
    for n in range(5):
        path = str(vendored / f"cache{n}.py")
        assert analyse_source(path, workspace.python.text(path), Config(), workspace).findings == []
    root = workspace.python.package_root(str(vendored / "cache0.py"))
    assert workspace.python.root_holds_handler == {(root, Config().handler_names): False}
    assert root not in workspace.python.importer_index
    # a root that does hold one: its helpers are still reached
    utils = str(tmp_path / "utils.py")
    assert [f.rule for f in analyse_source(utils, workspace.python.text(utils), Config(), workspace).findings] == ["thread-leak"]


def test_a_handler_the_deployment_declares_later_reaches_its_helpers(tmp_path: Path):
    """A reverse walk starts at a file's handlers, which the deployment may name: when it declares
    another, the walks made before are made again."""
    (tmp_path / "jobs.py").write_text(APP.replace("def lambda_handler(event, context):", "def process(event, ctx):"))
    (tmp_path / "utils.py").write_text(UTILS)
    workspace = Workspace([tmp_path])
    utils = str(tmp_path / "utils.py")

    def rules():
        return [f.rule for f in analyse_source(utils, workspace.python.text(utils), Config(), workspace).findings]

    assert rules() == []
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Jobs:\n    Type: AWS::Serverless::Function\n"
                        "    Properties:\n      Handler: jobs.process\n      Runtime: python3.12\n      CodeUri: .\n")
    workspace.update_file(template)
    assert rules() == ["thread-leak"]


JOBS = """import threading
from utils import send


def lambda_handler(event, context):
    return {}


def process(event, ctx):
    send(event)
"""


def test_walks_made_before_the_deployment_names_a_handler_are_made_again(tmp_path: Path):
    """`jobs.py` holds a handler by its name that does not call `utils`, and `process`, which does:
    once the deployment declares `jobs.process`, the walk from `jobs.py` is made again from both."""
    (tmp_path / "jobs.py").write_text(JOBS)
    (tmp_path / "utils.py").write_text(UTILS)
    workspace = Workspace([tmp_path])
    utils = str(tmp_path / "utils.py")

    def rules():
        return [f.rule for f in analyse_source(utils, workspace.python.text(utils), Config(), workspace).findings]

    assert rules() == [] and workspace.python.walks, "walked from lambda_handler, which does not reach utils"
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Jobs:\n    Type: AWS::Serverless::Function\n"
                        "    Properties:\n      Handler: jobs.process\n      Runtime: python3.12\n      CodeUri: .\n")
    workspace.update_file(template)
    assert rules() == ["thread-leak"]


def test_an_answer_computed_across_a_change_is_not_kept(tmp_path: Path, monkeypatch):
    """The language server hears of changed files on one thread while it analyses on another: an
    answer computed while the project's facts were dropped is answered, not kept."""
    from lambda_leak.python import project as python_project, reverse

    workspace = project(tmp_path)
    facts = workspace.python
    app, utils = str(tmp_path / "app.py"), str(tmp_path / "utils.py")
    names = Config().handler_names
    real_holds, real_candidate = reverse.holds_handler, parsing.holds_handler_candidate
    with python_project.using(facts):
        monkeypatch.setattr(reverse, "holds_handler", lambda *a: (facts.declarations_changed(), real_holds(*a))[1])
        assert reverse._root_holds_handler(utils, names, workspace) is True
        assert facts.root_holds_handler == {}
        monkeypatch.setattr(reverse, "holds_handler", real_holds)
        facts.changed(utils)  # nothing kept from the walk above
        monkeypatch.setattr(parsing, "holds_handler_candidate", lambda *a: (facts.changed(app), real_candidate(*a))[1])
        assert reverse.holds_handler(app, facts.text(app), names, set()) is True  # app.py saved meanwhile
        assert facts.may_hold_handler == {}
        monkeypatch.setattr(parsing, "holds_handler_candidate", real_candidate)
        assert reverse.holds_handler(app, facts.text(app), names, set()) is True
        assert len(facts.may_hold_handler) == 1


def test_a_helper_whose_text_the_project_read_is_not_looked_for_on_disk_again(tmp_path: Path, monkeypatch):
    """A helper is reached from elsewhere only if it is a file (an unsaved buffer is imported by
    none): the text the project read from disk says so, without asking the file system again (a
    `check` worker reads each of its files once)."""
    import os
    from types import SimpleNamespace

    from lambda_leak.python import analyse

    workspace = project(tmp_path)
    utils = str(tmp_path / "utils.py")
    text = workspace.python.text(utils)
    asked: list[str] = []  # what the analysis asks the file system itself (the project asks it too)
    monkeypatch.setattr(analyse, "os", SimpleNamespace(path=SimpleNamespace(isfile=lambda p: asked.append(p) or os.path.isfile(p))))
    assert [f.rule for f in analyse_source(utils, text, Config(), workspace).findings] == ["thread-leak"]
    assert asked == []
    # a new file's buffer, never saved: nothing imports it, as before
    draft = str(tmp_path / "draft.py")
    assert analyse_source(draft, UTILS, Config(), workspace).findings == []
    assert asked == [draft]
