"""`lambda-leak check`: formats, exit codes, fixing on disk, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_leak.cli import main

SEED_CALLBACK = 'exports.handler = (event, context, callback) => {\n  // Our handler code\n  callback(null, "OK");\n};\n'
SEED_TIMER = (
    "exports.handler = async (event, context) => {\n"
    "  const requestId = context.awsRequestId;\n"
    '  setTimeout(() => {\n    console.log("My request-id: ", requestId);\n  }, 10);\n'
    '  return "OK";\n};\n'
)
SEED_AXIOS = (
    'const axios = require("axios");\n'
    "exports.handler = async (event, context) => {\n"
    "  axios.post('/someApi', { firstName: 'Dori' }).then(function (response) {\n    console.log(response);\n  });\n"
    '  return "OK";\n};\n'
)
CLEAN = 'exports.handler = async (event) => {\n  await fetch("https://example.com");\n  return "OK";\n};\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "callback.js").write_text(SEED_CALLBACK)
    (tmp_path / "timer.js").write_text(SEED_TIMER)
    (tmp_path / "axios.js").write_text(SEED_AXIOS)
    (tmp_path / "clean.js").write_text(CLEAN)
    skipped = tmp_path / "node_modules" / "dep"
    skipped.mkdir(parents=True)
    (skipped / "index.js").write_text(SEED_TIMER)
    return tmp_path


def run_json(capsys, *args: str) -> tuple[int, list[dict]]:
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_seed_cases_are_found(project: Path, capsys):
    code, findings = run_json(capsys, str(project))
    assert code == 1
    got = sorted((Path(f["path"]).name, f["rule"], f["line"]) for f in findings)
    assert got == [("axios.js", "floating-promise", 3), ("callback.js", "callback-handler", 1), ("timer.js", "timer-leak", 3)]


def test_json_contract(project: Path, capsys):
    _, findings = run_json(capsys, str(project / "callback.js"))
    (finding,) = findings
    assert set(finding) == {"path", "rule", "severity", "message", "line", "column", "end_line", "end_column", "fixes"}
    assert finding["severity"] == "warning" and finding["line"] == 1 and finding["column"] == 19
    (fix,) = finding["fixes"]
    assert fix["title"] == "Convert to async handler" and fix["safe"] is True
    assert set(fix["edits"][0]) == {"line", "column", "end_line", "end_column", "new_text"}


def test_clean_file_exits_zero(project: Path, capsys):
    assert main(["check", str(project / "clean.js")]) == 0
    assert capsys.readouterr().out == ""


def test_exit_zero_and_select_ignore(project: Path, capsys):
    assert main(["check", "--exit-zero", str(project)]) == 0
    capsys.readouterr()
    _, findings = run_json(capsys, "--select", "timer-leak", str(project))
    assert {f["rule"] for f in findings} == {"timer-leak"}
    _, findings = run_json(capsys, "--ignore", "timer-leak,callback-handler", str(project))
    assert {f["rule"] for f in findings} == {"floating-promise"}


@pytest.mark.parametrize(
    "argv",
    [["check", "--select", "no-such-rule", "."], ["check", "/no/such/path"], ["check", "--format", "xml", "."], ["bogus"]],
)
def test_usage_errors_exit_two(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()


def test_text_format(project: Path, capsys):
    main(["check", str(project / "timer.js")])
    out = capsys.readouterr().out
    assert f"{project / 'timer.js'}:3:3: timer-leak" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_sarif_format(project: Path, capsys):
    main(["check", "--format", "sarif", str(project)])
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "floating-promise" in rule_ids
    results = run["results"]
    assert len(results) == 3
    for result in results:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_github_format(project: Path, capsys):
    main(["check", "--format", "github", str(project / "timer.js")])
    out = capsys.readouterr().out
    assert out.startswith("::warning file=") and ",line=3,col=3," in out and "timer-leak" in out


def test_fix_writes_atomically_and_is_stable(project: Path, capsys):
    target = project / "callback.js"
    os.chmod(target, 0o640)
    assert main(["check", "--fix", str(target)]) == 0
    fixed = target.read_text()
    assert fixed == 'exports.handler = async (event, context) => {\n  // Our handler code\n  return "OK";\n};\n'
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    assert not [p for p in project.iterdir() if p.name.endswith(".lambda-leak")], "temporary file left behind"
    assert main(["check", "--fix", str(target)]) == 0
    assert target.read_text() == fixed


def test_unsafe_fixes_need_the_flag(project: Path, capsys):
    target = project / "timer.js"
    assert main(["check", "--fix", str(target)]) == 1
    assert target.read_text() == SEED_TIMER
    assert main(["check", "--fix", "--unsafe-fixes", str(target)]) == 0
    assert "await new Promise((resolve) => setTimeout(() => {" in target.read_text()


def test_fix_keeps_crlf_and_bom(tmp_path: Path, capsys):
    target = tmp_path / "h.js"
    original = ("\ufeff" + SEED_AXIOS).replace("\n", "\r\n").encode("utf-8")
    target.write_bytes(original)
    assert main(["check", "--fix", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode("utf-8"))
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"await axios.post" in data


def test_diff_writes_nothing(project: Path, capsys):
    target = project / "axios.js"
    main(["check", "--diff", str(target)])
    out = capsys.readouterr().out
    assert "+  await axios.post" in out and "-  axios.post" in out
    assert target.read_text() == SEED_AXIOS


def test_bad_input_is_reported_and_the_run_goes_on(tmp_path: Path, capsys):
    (tmp_path / "binary.js").write_bytes(b"\x00\x01\x02exports.handler")
    (tmp_path / "latin1.js").write_bytes("// caf\xe9\n".encode("latin-1"))
    (tmp_path / "broken.js").write_text("exports.handler = async (event) => {\n  setTimeout(() => {}, 1);\n  if (\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "big.js").write_text("// x\n" * 10)
    (tmp_path / "sub" / "lambda-leak.toml").write_text("max-file-size = 20\n")
    (tmp_path / "timer.js").write_text(SEED_TIMER)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.js") if p.name != "timer.js"}
    code = main(["check", "--fix", "--format", "json", str(tmp_path)])
    assert {p: p.read_bytes() for p in before} == before, "bad files must never be written"
    out, err = capsys.readouterr()
    assert code == 1 and any(f["rule"] == "timer-leak" for f in json.loads(out)), "the run goes on past bad files"
    assert "binary.js: binary file, skipped" in err
    assert "latin1.js: not UTF-8" in err
    assert "broken.js: syntax error at line 3" in err
    assert "big.js: file is 50 bytes, over the 20-byte limit" in err
    assert "Traceback" not in err


def test_suppression_comments(tmp_path: Path, capsys):
    target = tmp_path / "h.js"
    target.write_text(
        "exports.handler = async () => {\n"
        "  setTimeout(() => {}, 1); // lambda-leak-ignore: timer-leak\n"
        "  // lambda-leak-ignore\n"
        "  setTimeout(() => {}, 2);\n"
        "  /* lambda-leak-ignore: floating-promise */ setTimeout(() => {}, 3);\n"
        "};\n"
    )
    _, findings = run_json(capsys, str(target))
    assert [f["line"] for f in findings] == [5]
    target.write_text("// lambda-leak-ignore-file\n" + target.read_text())
    assert run_json(capsys, str(target)) == (0, [])


def test_config_file_is_honoured(tmp_path: Path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.lambda-leak]\nignore = ["timer-leak"]\nhandler-names = ["run"]\n')
    (tmp_path / "h.js").write_text(SEED_TIMER.replace("exports.handler", "exports.run"))
    assert run_json(capsys, str(tmp_path)) == (0, [])
    (tmp_path / "pyproject.toml").write_text('[tool.lambda-leak]\nhandler-names = ["run"]\n')
    from lambda_leak.config import config_for_directory

    config_for_directory.cache_clear()
    code, findings = run_json(capsys, str(tmp_path))
    assert code == 1 and [f["rule"] for f in findings] == ["timer-leak"]


def test_overrides_make_one_config_per_folder_config(tmp_path: Path):
    """`--select/--ignore` merge into each folder's config once: files sharing a config share the merged
    one (so the result cache fingerprints it once), and a folder with its own config keeps it."""
    from lambda_leak.cli import _configured_files

    (tmp_path / "a.js").write_text(CLEAN)
    (tmp_path / "b.js").write_text(CLEAN)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "lambda-leak.toml").write_text('handler-names = ["run"]\n')
    (tmp_path / "sub" / "c.js").write_text(CLEAN)
    files = {path.name: config for path, config in _configured_files([tmp_path], {"ignore": frozenset({"timer-leak"})})}
    assert files["a.js"] is files["b.js"] and files["a.js"] is not files["c.js"]
    assert all(config.ignore == {"timer-leak"} for config in files.values())
    assert files["c.js"].handler_names == ("run",) and files["a.js"].handler_names != ("run",)


def test_bad_config_is_a_clear_error(tmp_path: Path, capsys):
    (tmp_path / "lambda-leak.toml").write_text('selct = ["timer-leak"]\n')
    (tmp_path / "h.js").write_text(CLEAN)
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown key `selct`" in err and "lambda-leak.toml" in err


def test_stdin_and_version():
    done = subprocess.run(
        [sys.executable, "-m", "lambda_leak", "check", "--format", "json", "--stdin-filename", "src/app.js", "-"],
        input=SEED_TIMER,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    (finding,) = json.loads(done.stdout)
    assert finding["path"] == "src/app.js" and finding["rule"] == "timer-leak"
    fixed = subprocess.run(
        [sys.executable, "-m", "lambda_leak", "check", "--fix", "--stdin-filename", "src/app.js", "-"],
        input=SEED_CALLBACK,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.startswith("exports.handler = async (event, context) => {")  # only the fixed text
    untouched = subprocess.run(
        [sys.executable, "-m", "lambda_leak", "check", "--fix", "--stdin-filename", "src/app.js", "-"],
        input=CLEAN,
        capture_output=True,
        text=True,
        check=False,
    )
    assert untouched.stdout == CLEAN
    version = subprocess.run([sys.executable, "-m", "lambda_leak", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("lambda-leak ")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_relative_path_finds_what_the_fixture_expects(monkeypatch, capsys, jobs):
    """The index parses a file under its absolute path and the analysis reports it under the path given:
    what the file itself awaits elsewhere (`queue.enqueue` awaited once, dropped once) must still count."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "javascript" / "floating-promise"
    monkeypatch.chdir(fixtures)
    name = "bad_services_commonjs.js"
    expected = [n for n, line in enumerate((fixtures / name).read_text().splitlines(), 1) if "expect: floating-promise" in line]
    main(["check", ".", "--no-cache", "--exit-zero", "--format", "json", "--jobs", jobs])
    found = json.loads(capsys.readouterr().out)
    lines = sorted(f["line"] for f in found if f["path"].endswith(name) and f["rule"] == "floating-promise")
    assert lines == expected


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_report_that_cannot_be_written_is_an_error(project: Path):
    """A full disk under the report: say so and fail, never exit as if the report were written."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "lambda_leak", "check", str(project / "clean.js"), "--format", "json"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, env=env)
    assert done.returncode not in (0, 1)
    assert "No space left on device" in done.stderr
