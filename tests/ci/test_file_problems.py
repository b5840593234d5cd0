"""Files lambda-leak cannot analyse (binary, not UTF-8, over max-file-size) or only in part (a
syntax error) reach the CI reports: SARIF notifications of the run, skipped JUnit test cases. Each
path of `check` feeds them: one process, worker processes, the result cache (cold and warm), stdin.
Text, JSON, GitHub and GitLab output, the exit code and stderr stay as they were."""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lambda_leak.cli import main

TIMER = 'exports.handler = async () => {\n  setTimeout(() => console.log("late"), 100);\n  return "OK";\n};\n'
CLEAN = 'exports.handler = async () => {\n  return "OK";\n};\n'
PROBLEMS = {
    "blob.js": "binary file, skipped",
    "latin1.js": "not UTF-8 (invalid byte at offset 6), skipped",
    "unfinished.js": "syntax error at line 2, column 27; findings may be incomplete",
    "big/large.js": "file is 50 bytes, over the 20-byte limit (max-file-size), skipped",
}
# every way `check` produces results: (arguments, runs before the one asserted on)
MODES = {
    "one process": (["--no-cache"], 0),
    "two workers": (["--no-cache", "--jobs", "2"], 0),
    "cache, cold": ([], 0),
    "cache, served whole": ([], 1),
    "cache, one file changed": ([], 1),
    "cache and two workers": (["--jobs", "2"], 0),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "blob.js").write_bytes(b"\x00\x01\x02exports.handler")
    (tmp_path / "latin1.js").write_bytes("// caf\xe9\n".encode("latin-1"))
    (tmp_path / "unfinished.js").write_text('exports.handler = async () => {\n  setTimeout(() => {}, 1);\n')
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "large.js").write_text("// x\n" * 10)
    (tmp_path / "big" / "lambda-leak.toml").write_text("max-file-size = 20\n")
    (tmp_path / "timer.js").write_text(TIMER)
    (tmp_path / "clean.js").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def checked_in(mode: str, project: Path, capsys, *args: str) -> tuple[int, str, str]:
    extra, before = MODES[mode]
    for _ in range(before):
        run(capsys, *args, *extra, ".")
    if mode == "cache, one file changed":
        (project / "clean.js").write_text(CLEAN.replace("OK", "fine"))
    return run(capsys, *args, *extra, ".")


def notifications(out: str) -> dict[str, str]:
    (run_,) = json.loads(out)["runs"]
    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is True
    found = {}
    for note in invocation.get("toolExecutionNotifications", []):
        assert note["level"] == "warning"
        (location,) = note["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        found[artifact["uri"]] = note["message"]["text"]
    return found


def sentence(message: str) -> str:
    return message[0].upper() + message[1:] + "."


@pytest.mark.parametrize("mode", MODES)
def test_sarif_notifies_each_file_it_could_not_analyse(mode: str, project: Path, capsys):
    code, out, err = checked_in(mode, project, capsys, "--format", "sarif")
    assert code == 1  # the leak in timer.js (and the one found in unfinished.js); the problems change nothing
    assert notifications(out) == {path: sentence(message) for path, message in PROBLEMS.items()}
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]}
    assert results == {"timer.js", "unfinished.js"}
    for path, message in PROBLEMS.items():
        assert f"{Path(path)}: {message}\n" in err  # stderr keeps its lines


@pytest.mark.parametrize("mode", MODES)
def test_junit_skips_each_file_it_could_not_analyse(mode: str, project: Path, capsys):
    code, out, _ = checked_in(mode, project, capsys, "--format", "junit")
    assert code == 1
    (suite,) = ET.fromstring(out).findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"blob.js", "latin1.js", "unfinished.js", "big/large.js", "timer.js", "clean.js"}
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("6", "2", "0", "3")
    for path in ("blob.js", "latin1.js", "big/large.js"):
        (skipped,) = cases[path]
        assert skipped.tag == "skipped" and skipped.get("message") == f"{path}: {PROBLEMS[path]}"
    # analysed in part: its leak stays a failure, the reason goes beside it
    unfinished = cases["unfinished.js"]
    assert [child.tag for child in unfinished] == ["failure", "system-err"]
    assert unfinished.find("system-err").text == f"unfinished.js: {PROBLEMS['unfinished.js']}"
    assert [child.tag for child in cases["timer.js"]] == ["failure"] and list(cases["clean.js"]) == []


def test_a_clean_tree_reports_no_notification(project: Path, capsys):
    code, out, err = run(capsys, "--format", "sarif", "clean.js")
    assert (code, err) == (0, "")
    assert json.loads(out)["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_stdin_problems_reach_the_reports(project: Path, capsys, monkeypatch):
    def from_stdin(data: bytes, *args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        return run(capsys, *args, "--stdin-filename", "editing.js", "-")

    broken = b"exports.handler = async () => {\n"
    code, out, err = from_stdin(broken, "--format", "sarif")
    assert code == 0 and err == "editing.js: syntax error at line 1, column 31; findings may be incomplete\n"
    assert notifications(out) == {"editing.js": "Syntax error at line 1, column 31; findings may be incomplete."}
    code, out, _ = from_stdin(broken, "--format", "junit")
    (case,) = ET.fromstring(out).iter("testcase")
    assert code == 0 and case.find("skipped").get("message") == f"editing.js: {err.split(': ', 1)[1].strip()}"
    # binary text on stdin stops the run (exit 2) before any report, as it always has
    assert from_stdin(b"\x00\x01binary", "--format", "sarif")[:2] == (2, "")


@pytest.mark.parametrize("report", ["text", "json", "github", "gitlab"])
def test_other_formats_and_the_exit_code_stay_as_they_were(report: str, project: Path, capsys):
    """Only bad files: exit 0 as before, and nothing but what the findings give (here: nothing)."""
    (project / "timer.js").unlink()
    (project / "unfinished.js").unlink()
    code, out, err = run(capsys, "--format", report, ".")
    assert code == 0
    assert out == {"text": "", "json": "[]\n", "github": "", "gitlab": "[]\n"}[report]
    assert err.count("skipped\n") == 3
