"""The places a new user stumbled on the CLI: stdin, closed pipes, config errors, the summary,
--diff labels, --fix on broken files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_leak.cli import main
from lambda_leak.config import config_for_directory

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders.processOrders
      Runtime: nodejs20.x
"""
# `processOrders` matches no default handler name: only template.yaml makes it a handler.
ORDERS = 'exports.processOrders = async (event) => {\n  fetch("https://example.com/audit");\n  return { ok: true };\n};\n'
CALLBACK = 'exports.handler = (event, context, callback) => {\n  callback(null, "OK");\n};\n'
TIMER = 'exports.handler = async () => {\n  setTimeout(() => console.log("late"), 10);\n  return "OK";\n};\n'
HINT = "exports.handler = async () => {\n  await helper();\n};\nasync function helper() {\n  return 1;\n}\n"


def run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lambda_leak", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def sam_project(tmp_path: Path) -> Path:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "orders.js").write_text(ORDERS)
    return tmp_path


def test_stdin_sees_the_handlers_the_template_declares(sam_project: Path):
    by_path = run(["check", "src/orders.js"], sam_project)
    assert by_path.returncode == 1 and "floating-promise" in by_path.stdout
    by_stdin = run(["check", "--stdin-filename", "src/orders.js", "-"], sam_project, stdin=ORDERS)
    assert by_stdin.returncode == 1, by_stdin.stderr
    assert by_stdin.stdout.splitlines()[0] == by_path.stdout.splitlines()[0]
    # The text on stdin wins over the file on disk (an editor's unsaved buffer).
    awaited = ORDERS.replace("  fetch(", "  await fetch(")
    assert run(["check", "--stdin-filename", "src/orders.js", "-"], sam_project, stdin=awaited).returncode == 0
    # Run from elsewhere: the project is found from the file's folder up to the template.
    elsewhere = run(["check", "--stdin-filename", str(sam_project / "src" / "orders.js"), "-"], sam_project.parent, stdin=ORDERS)
    assert elsewhere.returncode == 1 and "floating-promise" in elsewhere.stdout


def test_stdin_without_a_filename_is_a_usage_error(tmp_path: Path):
    done = run(["check", "-"], tmp_path, stdin=TIMER)
    assert done.returncode == 2 and "--stdin-filename" in done.stderr and done.stdout == ""


def test_a_closed_output_pipe_ends_quietly(tmp_path: Path):
    for index in range(3):
        (tmp_path / f"h{index}.js").write_text(CALLBACK)
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already exited
    try:
        done = subprocess.run([sys.executable, "-m", "lambda_leak", "check", "--diff", str(tmp_path)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write_end)
    assert done.stderr == "" and done.returncode != 0


def test_config_errors_across_files_all_at_once(tmp_path: Path, capsys):
    config_for_directory.cache_clear()
    for name, text in {"a": 'selct = ["ALL"]\nignore = ["timer-leek"]\n', "b": 'select = "timer-leak"\n'}.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "lambda-leak.toml").write_text(text)
        (tmp_path / name / "h.js").write_text(TIMER)
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert f"lambda-leak: {tmp_path / 'a' / 'lambda-leak.toml'}: unknown key `selct`; did you mean `select`?" in err
    assert f"lambda-leak: {tmp_path / 'a' / 'lambda-leak.toml'}: `ignore`: unknown rule `timer-leek`; did you mean `timer-leak`?" in err
    assert any(str(tmp_path / "b" / "lambda-leak.toml") in line and "must be a list of strings" in line for line in err)


def test_unknown_select_lists_the_valid_rules(capsys):
    assert main(["check", "--select", "timer-leek", "."]) == 2
    err = capsys.readouterr().err
    assert "unknown rule `timer-leek`; did you mean `timer-leak`?" in err
    assert "valid rules: ALL, async-foreach, async-handler," in err and "floating-promise" in err


def test_summary_explains_the_star_and_counts_hints_apart(tmp_path: Path, capsys):
    (tmp_path / "cb.js").write_text(CALLBACK)
    (tmp_path / "timer.js").write_text(TIMER)
    (tmp_path / "hint.js").write_text(HINT)
    main(["check", "--select", "callback-handler,timer-leak,require-await", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert any(" callback-handler [*] " in line for line in out)
    # require-await flags hint.js's helper and timer.js's handler (async, never awaits): hints.
    assert out[-3:] == ["Found 2 leaks and 2 hints.", "[*] 1 fixable with --fix.",
                        "1 more with --fix --unsafe-fixes (review those changes)."]


def test_an_empty_folder_says_so_on_stderr(tmp_path: Path, capsys):
    (tmp_path / "README.md").write_text("nothing to check\n")
    assert main(["check", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no JavaScript, TypeScript or Python files to check" in captured.err


def test_diff_labels_each_file_and_lists_what_no_fix_covers(tmp_path: Path, capsys):
    (tmp_path / "cb.js").write_text(CALLBACK)
    (tmp_path / "timer.js").write_text(TIMER)
    main(["check", "--diff", str(tmp_path)])
    out = capsys.readouterr().out
    label = f"# {tmp_path / 'cb.js'}: callback-handler: Convert to async handler (safe)\n--- a/"
    assert label in out
    heading = "# Not fixed (no fix, or only unsafe fixes without --unsafe-fixes):\n"
    assert heading in out and f"{tmp_path / 'timer.js'}:2:3: timer-leak" in out.split(heading)[1]
    main(["check", "--diff", "--unsafe-fixes", str(tmp_path / "timer.js")])
    out = capsys.readouterr().out
    assert "timer-leak: Await the timer (unsafe)\n" in out and "Not fixed" not in out


def test_fix_never_writes_a_file_that_did_not_parse(tmp_path: Path, capsys):
    target = tmp_path / "broken.js"
    text = ORDERS.replace("processOrders", "handler") + "function broken( {\n"  # "Add await" is offered
    target.write_text(text)
    assert main(["check", "--fix", str(target)]) == 1
    assert target.read_text() == text
    err = capsys.readouterr().err
    assert f"{target}: not fixed: the file has a syntax error; fix that first" in err
    main(["check", "--diff", str(target)])
    assert "+++" not in capsys.readouterr().out
