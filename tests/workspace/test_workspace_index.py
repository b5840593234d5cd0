"""The workspace index as the CLI and the language server use it: parse once, answer the
analyser's questions, follow one file changing at a time."""

from __future__ import annotations

import os
from pathlib import Path

from tree_helpers import check_json, write_tree

from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.javascript import module as js_module
from lambda_leak.workspace import Workspace
from lambda_leak.workspace import crew, parallel
from lambda_leak.workspace.resolve import resolve_specifier

PROJECT = {
    "template.yaml": """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.run
              Runtime: nodejs20.x
    """,
    "src/app.js": """
        const { later } = require('./util');
        const { save } = require('./db');
        exports.run = async (event) => { later(); save(event); };
    """,
    "src/util.js": """
        exports.later = () => { setTimeout(() => {}, 1); };
        exports.idle = () => { setTimeout(() => {}, 1); };
    """,
    "src/db.js": """
        exports.save = async (item) => item;
    """,
    "src/other.js": """
        exports.handler = async () => 1;
    """,
}


def test_each_file_is_parsed_once_per_check(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path, PROJECT)
    built = []
    original = js_module.JsModule.__init__

    def counting(self, source, tree):
        built.append(Path(source.path).name)
        original(self, source, tree)

    monkeypatch.setattr(js_module.JsModule, "__init__", counting)
    findings = check_json(capsys, tmp_path, extra=("--select", "floating-promise,timer-leak", "--jobs", "1"))
    assert findings == [("src/app.js", "floating-promise", 3, 43), ("src/util.js", "timer-leak", 1, 25)]
    assert sorted(built) == ["app.js", "db.js", "other.js", "util.js"]


def test_large_trees_use_worker_processes(tmp_path, capsys, monkeypatch):
    write_tree(tmp_path, PROJECT)
    calls = []
    original = parallel.check_in_parallel
    monkeypatch.setattr(parallel, "check_in_parallel",
                        lambda files, roots, jobs, *more, **options: calls.append(jobs) or original(files, roots, jobs, *more, **options))
    monkeypatch.setattr(crew, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(crew, "FILES_PER_WORKER", 1)
    monkeypatch.setattr(crew, "available_cores", lambda: 2)
    findings = check_json(capsys, tmp_path, extra=("--select", "floating-promise,timer-leak"))
    assert calls == [2]
    assert findings == [("src/app.js", "floating-promise", 3, 43), ("src/util.js", "timer-leak", 1, 25)]
    assert parallel.choose_jobs(10_000, None) == 2 and parallel.choose_jobs(1, None) == 1


def test_index_answers_the_analyser(tmp_path):
    write_tree(tmp_path, PROJECT)
    workspace = Workspace.for_paths([tmp_path])
    app, util = tmp_path / "src/app.js", tmp_path / "src/util.js"
    assert workspace.declared_handler_names(str(app)) == {"run"}
    assert workspace.imported_is_async(str(app), "./db", "save", None)
    assert not workspace.imported_is_async(str(app), "./util", "later", None)
    assert not workspace.imported_is_async(str(app), "./missing", "save", None)
    assert not workspace.imported_is_async(str(app), "db", "save", None)  # a package, not the project
    assert workspace.external_entries(str(util)) == {("later", None): True}
    assert workspace.external_entries(str(app)) == {}


def test_only_a_check_reads_which_files_exist_from_its_walk(tmp_path):
    """`check`'s tree stays as it is while it runs: its index answers "is there a file" from the walk's
    listings. The language server's index outlives its walk: a file made since is found on disk."""
    from lambda_leak.files import walk_folders

    write_tree(tmp_path, PROJECT)
    listings: dict = {}
    for _ in walk_folders(str(tmp_path), lambda name: True, listings):
        pass
    app = str(tmp_path / "src/app.js")
    (tmp_path / "src/later.js").write_text("exports.save = async (item) => item;\n")  # after the walk
    from lambda_leak.cli import _workspace_for

    server_index = Workspace.for_paths([tmp_path], listings=listings)  # as lsp.workspace_index builds it
    assert server_index.imported_is_async(app, "./later", "save", None)
    check_index = _workspace_for([tmp_path], None, listings)
    assert check_index.imported_is_async(app, "./db", "save", None)  # listed: found as before
    assert not check_index.imported_is_async(app, "./later", "save", None)  # not listed: not there


def test_language_server_updates_one_file_at_a_time(tmp_path):
    write_tree(tmp_path, PROJECT)
    workspace = Workspace.for_paths([tmp_path])
    app, util, db = (str(tmp_path / "src" / name) for name in ("app.js", "util.js", "db.js"))
    config = Config(select=frozenset({"timer-leak", "floating-promise"}))

    def rules(path):
        text = Path(path).read_text()
        return [(f.rule, f.range.start.line) for f in analyse_source(path, text, config, workspace).findings]

    assert rules(util) == [("timer-leak", 0)]
    assert {Path(p).name for p in workspace.dependents(db)} == {"app.js", "util.js"}
    assert {Path(p).name for p in workspace.dependents(util)} == {"app.js", "db.js"}

    # app.js now calls idle() instead of later(): the finding moves within util.js
    Path(app).write_text(
        "const { idle } = require('./util');\nexports.run = async (event) => { idle(); };\n"
    )
    workspace.update_file(app)
    assert rules(util) == [("timer-leak", 1)]
    assert workspace.dependents(app) == {Path(util)}

    # db.save stops being async: app.js's call no longer floats
    Path(db).write_text("exports.save = (item) => item;\n")
    workspace.update_file(db)
    assert not workspace.imported_is_async(app, "./db", "save", None)

    # an unsaved buffer counts too
    workspace.update_file(db, "exports.save = async (item) => item;\n")
    assert workspace.imported_is_async(app, "./db", "save", None)

    os.unlink(app)
    workspace.update_file(app)  # deleted on disk: removed from the index
    assert rules(util) == []

    # the template now names other.js's export: its declared names change
    template = tmp_path / "template.yaml"
    template.write_text(template.read_text().replace("app.run", "other.handler"))
    workspace.update_file(template)
    assert workspace.declared_handler_names(str(tmp_path / "src/other.js")) == {"handler"}
    assert workspace.declared_handler_names(app) == frozenset()


def test_module_resolution_follows_node_and_typescript(tmp_path):
    write_tree(tmp_path, {
        "a.ts": "", "b.ts": "", "b.js": "", "c.mts": "", "lib/index.ts": "", "pkg/package.json": '{"main": "main.js"}',
        "pkg/main.js": "", "x.service.ts": "", "only.js": "",
    })
    ts, js = str(tmp_path / "importer.ts"), str(tmp_path / "importer.js")
    resolved = lambda importer, spec: resolve_specifier(importer, spec) and os.path.relpath(resolve_specifier(importer, spec), tmp_path)  # noqa: E731
    assert resolved(ts, "./a.js") == "a.ts"
    assert resolved(ts, "./b.js") == "b.ts"  # TypeScript reads the source
    assert resolved(js, "./b.js") == "b.js"  # Node loads the file
    assert resolved(js, "./b") == "b.js"
    assert resolved(ts, "./b") == "b.ts"
    assert resolved(ts, "./c.mjs") == "c.mts"
    assert resolved(ts, "./lib") == os.path.join("lib", "index.ts")
    assert resolved(js, "./pkg") == os.path.join("pkg", "main.js")
    assert resolved(ts, "./x.service") == "x.service.ts"
    assert resolved(ts, "./only.js") == "only.js"
    assert resolved(ts, "./missing") is None
    assert resolved(ts, "lodash") is None


def test_python_dependents_follow_imports_both_ways(tmp_path):
    """app.py imports utils.py: a change to either can change the other's findings."""
    from lambda_leak.workspace import Workspace

    (tmp_path / "utils.py").write_text("import threading\n\n\ndef send(item):\n    threading.Thread(target=print).start()\n")
    (tmp_path / "app.py").write_text("from utils import send\n\n\ndef handler(event, context):\n    send(event)\n")
    (tmp_path / "other.py").write_text("def handler(event, context):\n    return 1\n")
    workspace = Workspace.for_paths([tmp_path])
    real = tmp_path.resolve()
    assert workspace.dependents(tmp_path / "app.py") == {real / "utils.py"}
    assert workspace.dependents(tmp_path / "utils.py") == {real / "app.py"}
    (tmp_path / "other.py").write_text("import utils\n\n\ndef handler(event, context):\n    utils.send(1)\n")
    assert workspace.dependents(tmp_path / "utils.py") == {real / "app.py"}  # not told yet
    workspace.update_file(tmp_path / "other.py")
    assert workspace.dependents(tmp_path / "utils.py") == {real / "app.py", real / "other.py"}


def test_python_dependents_across_package_roots(tmp_path):
    """`lib/` is no package: util.py's package root is lib/, yet app.py above it imports it."""
    from lambda_leak.workspace import Workspace

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("async def save(item):\n    return item\n")
    (tmp_path / "app.py").write_text("from lib.util import save\n\n\ndef handler(event, context):\n    save(event)\n")
    workspace = Workspace.for_paths([tmp_path])
    real = tmp_path.resolve()
    assert workspace.dependents(tmp_path / "lib" / "util.py") == {real / "app.py"}
    (tmp_path / "lib" / "new.py").write_text("import util\n")
    workspace.update_file(tmp_path / "lib" / "new.py")  # a new file: imports are read again
    assert workspace.dependents(tmp_path / "lib" / "util.py") == {real / "app.py", real / "lib" / "new.py"}
