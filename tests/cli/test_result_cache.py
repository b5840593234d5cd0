"""The result cache of `lambda-leak check`: an unchanged run is served whole, and editing a file,
its config, or a file it depends on across files always changes the result (never stale).

The real command in a subprocess, as a user runs it twice in a row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

HANDLER = """\
const { save } = require('./lib');

exports.handler = async (event) => {
  save(event);
  return { ok: true };
};
"""
LIB_SYNC = "exports.save = (item) => item;\n"
LIB_ASYNC = "exports.save = async (item) => { await fetch('https://example.com', { body: item }); };\n"


def write(path: Path, text: str) -> None:
    """Write, and move the mtime on by a second, so a same-size edit is never hidden by the clock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(dedent(text))
    stamp = max(path.stat().st_mtime_ns, before + 1_000_000_000)
    os.utime(path, ns=(stamp, stamp))


def check(root: Path, *options: str) -> list[tuple[str, str, int]]:
    done = subprocess.run([sys.executable, "-m", "lambda_leak", "check", ".", "--format", "json", "--exit-zero", *options],
                          cwd=root, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "server")})
    return sorted((Path(f["path"]).as_posix(), f["rule"], f["line"]) for f in json.loads(done.stdout))


def cached_files(root: Path) -> list[str]:
    return sorted(p.name.split("-")[0] for p in (root / ".lambda-leak-cache").iterdir())


@pytest.fixture
def js_project(tmp_path: Path) -> Path:
    write(tmp_path / "src" / "handler.js", HANDLER)
    write(tmp_path / "src" / "lib.js", LIB_SYNC)
    write(tmp_path / "src" / "other.js", "exports.handler = async () => { setTimeout(() => 1, 5); };\n")
    return tmp_path


def test_unchanged_run_is_served_from_the_cache_with_the_same_findings(js_project: Path):
    first = check(js_project)
    assert first == [("src/other.js", "timer-leak", 1)]
    assert cached_files(js_project) == [".gitignore", "files", "run"]
    assert (js_project / ".lambda-leak-cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert check(js_project) == first
    assert check(js_project, "--no-cache") == first


def test_editing_the_file_changes_its_findings(js_project: Path):
    check(js_project)
    write(js_project / "src" / "other.js", "exports.handler = async () => { await new Promise((r) => setTimeout(r, 5)); };\n")
    assert check(js_project) == []


def test_editing_an_imported_promise_maker_changes_the_importer(js_project: Path):
    """handler.js is unchanged, but what it imports now returns a promise it does not await."""
    assert ("src/handler.js", "floating-promise", 4) not in check(js_project)
    write(js_project / "src" / "lib.js", LIB_ASYNC)
    assert ("src/handler.js", "floating-promise", 4) in check(js_project)
    write(js_project / "src" / "lib.js", LIB_SYNC)
    assert ("src/handler.js", "floating-promise", 4) not in check(js_project)


def test_editing_the_config_changes_the_findings(js_project: Path):
    check(js_project)
    write(js_project / "lambda-leak.toml", 'ignore = ["timer-leak"]\n')
    assert check(js_project) == []
    write(js_project / "lambda-leak.toml", "ignore = []\n")
    assert check(js_project) == [("src/other.js", "timer-leak", 1)]


def test_a_config_file_appearing_above_the_checked_folder_counts(js_project: Path):
    inner = js_project / "src"
    check(inner)
    write(js_project / "pyproject.toml", '[tool.lambda-leak]\nignore = ["timer-leak"]\n')
    assert check(inner) == []


def test_the_template_declaring_a_handler_is_a_dependency(tmp_path: Path):
    # `work` is a handler only because the template says so; its timer then leaks
    write(tmp_path / "src" / "jobs.js", "exports.work = async () => { setTimeout(() => 1, 5); };\n")
    template = """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: jobs.{name}
              Runtime: nodejs20.x
        """
    write(tmp_path / "template.yaml", template.format(name="other"))
    assert check(tmp_path) == []
    write(tmp_path / "template.yaml", template.format(name="work"))
    assert check(tmp_path) == [("src/jobs.js", "timer-leak", 1)]
    write(tmp_path / "template.yaml", template.format(name="other"))
    assert check(tmp_path) == []


def test_python_helper_findings_follow_the_handler_that_calls_it(tmp_path: Path):
    write(tmp_path / "app.py", """\
        from utils import send

        def lambda_handler(event, context):
            send(event)
        """)
    write(tmp_path / "utils.py", """\
        import threading

        def send(event):
            threading.Thread(target=print, args=(event,)).start()
        """)
    assert check(tmp_path) == [("utils.py", "thread-leak", 4)]
    write(tmp_path / "app.py", """\
        def lambda_handler(event, context):
            return None
        """)
    assert check(tmp_path) == []


def test_new_files_are_seen(js_project: Path):
    check(js_project)
    write(js_project / "src" / "deep" / "new.js", "exports.handler = async () => { setInterval(() => 1, 5); };\n")
    assert ("src/deep/new.js", "timer-leak", 1) in check(js_project)


def test_cache_dir_setting_and_no_cache(js_project: Path):
    write(js_project / "lambda-leak.toml", 'cache-dir = "build-cache/lambda-leak"\n')
    check(js_project, "--no-cache")
    assert not (js_project / "build-cache").exists() and not (js_project / ".lambda-leak-cache").exists()
    check(js_project)
    assert (js_project / "build-cache" / "lambda-leak" / ".gitignore").is_file()
    assert not (js_project / ".lambda-leak-cache").exists()


def test_a_damaged_cache_is_an_empty_one(js_project: Path):
    first = check(js_project)
    for file in (js_project / ".lambda-leak-cache").glob("*.pickle"):
        file.write_bytes(b"\x80\x04not a pickle")
    assert check(js_project) == first


def test_an_edit_reanalyses_only_its_language(js_project: Path, monkeypatch, capsys):
    """In process: after a JavaScript edit the JavaScript files are analysed again (their
    cross-file facts are not all in `FileFacts` yet), a Python file's result comes from the cache."""
    from lambda_leak import cached_check
    from lambda_leak.cli import main

    monkeypatch.chdir(js_project)
    write(js_project / "py" / "app.py", "def handler(event, context):\n    return 1\n")
    cache_dir = str(js_project / "in-process-cache")
    assert main(["check", ".", "--exit-zero", "--cache-dir", cache_dir]) == 0
    analysed: list[str] = []
    real = cached_check.analyse_source
    monkeypatch.setattr(cached_check, "analyse_source", lambda path, *a, **k: analysed.append(path) or real(path, *a, **k))
    write(js_project / "src" / "other.js", "exports.handler = async () => { setTimeout(() => 2, 5); };\n")
    assert main(["check", ".", "--exit-zero", "--cache-dir", cache_dir]) == 0
    javascript = sorted(str(p.relative_to(js_project)) for p in js_project.rglob("*.js"))
    assert sorted(analysed) == javascript and os.path.join("src", "other.js") in analysed
    analysed.clear()
    assert main(["check", ".", "--exit-zero", "--cache-dir", cache_dir]) == 0
    assert analysed == []  # served whole
    capsys.readouterr()


def test_a_lock_file_pinning_an_adapter_version_changes_the_result(tmp_path: Path):
    """The adapter table reads package and lock files: a lock file appearing is never served stale."""
    write(tmp_path / "lambda-leak.toml", 'runtime = "nodejs24.x"\n')
    write(tmp_path / "package.json", '{"dependencies": {"@fastify/aws-lambda": ">=5"}}')
    write(tmp_path / "src" / "api.mjs", """\
        import awsLambdaFastify from '@fastify/aws-lambda';
        import Fastify from 'fastify';
        export const handler = awsLambdaFastify(Fastify());
    """)
    assert check(tmp_path) == []
    lock = {"lockfileVersion": 3, "packages": {"node_modules/@fastify/aws-lambda": {"version": "5.1.4"}}}
    write(tmp_path / "package-lock.json", json.dumps(lock))
    assert check(tmp_path) == [("src/api.mjs", "callback-handler", 3)]
    lock["packages"]["node_modules/@fastify/aws-lambda"]["version"] = "6.0.0"
    write(tmp_path / "package-lock.json", json.dumps(lock))
    assert check(tmp_path) == []


def test_a_terraform_file_declaring_the_handler_changes_the_result(tmp_path: Path):
    write(tmp_path / "lambdas" / "index.js", "exports.scaleUp = async () => { setTimeout(() => 1, 5); };\n")
    assert check(tmp_path) == []  # `scaleUp` is not a handler name by default
    write(tmp_path / "main.tf", """\
        resource "aws_lambda_function" "scale_up" {
          function_name = "scale-up"
          filename      = "lambdas.zip"
          handler       = "lambdas/index.scaleUp"
          runtime       = "nodejs20.x"
          role          = "arn:aws:iam::123456789012:role/x"
        }
    """)
    assert check(tmp_path) == [("lambdas/index.js", "timer-leak", 1)]
