"""GitHub code scanning accepts the SARIF report in full: Microsoft's SARIF validator (the npm
package @microsoft/sarif-multitool, installed into a cache on first use) finds no error and no
warning under its GitHub ingestion rules and its SARIF rules."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from npm_tools import npm_install

ROOT = Path(__file__).resolve().parents[2]
VERSION = "5.7.0"
PLATFORM = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform)
# Notes the report keeps on purpose: messages are specific to each finding (SARIF2002 wants
# message ids instead), rule ids are the public contract (SARIF2009 wants "LL1001"-style ids),
# and SARIF2006 only says this machine could not reach the web (schema, helpUri).
ACCEPTED_NOTES = {"SARIF2002", "SARIF2006", "SARIF2009"}


def _install() -> Path:
    """The validator's native (self-contained .NET) binary, from its npm package."""
    if PLATFORM is None or platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip(f"the npm package ships x64 binaries only, not {sys.platform}/{platform.machine()}")
    folder = npm_install(f"@microsoft/sarif-multitool@{VERSION}")
    binary = folder / "node_modules" / "@microsoft" / f"sarif-multitool-{PLATFORM}" / "Sarif.Multitool"
    binary.chmod(binary.stat().st_mode | 0o100)  # its postinstall (chmod u+x) may not have run
    return binary


@pytest.fixture(scope="module")
def validator() -> Path:
    return _install()


def _report(tmp_path: Path, name: str, *args: str, env: dict | None = None, cwd: Path = ROOT) -> Path:
    out = tmp_path / name
    with out.open("w") as stream:
        completed = subprocess.run(
            [sys.executable, "-m", "lambda_leak", "check", "--format", "sarif", "--exit-zero", *args],
            cwd=cwd, stdout=stream, stderr=subprocess.PIPE, text=True, timeout=600,
            env={**os.environ, **(env or {})},
        )
    assert completed.returncode == 0, completed.stderr
    return out


def _validate(validator: Path, tmp_path: Path, *reports: Path) -> list[dict]:
    log = tmp_path / "validation.sarif"
    completed = subprocess.run(
        [str(validator), "validate", *map(str, reports), "--rule-kind", "Gh;Sarif",
         "--level", "Error;Warning;Note", "--output", str(log), "--log", "ForceOverwrite"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
    )
    assert log.exists(), completed.stdout + completed.stderr
    runs = json.loads(log.read_text(encoding="utf-8-sig"))["runs"]
    assert not any(n.get("level") == "error" for run in runs for n in run["invocations"][0].get("toolExecutionNotifications", [])), completed.stdout
    return [result for run in runs for result in run.get("results", [])]


def _problems(results: list[dict], accepted: set[str] = ACCEPTED_NOTES) -> list[str]:
    return [
        f"{r.get('level', 'warning')} {r['ruleId']}: {r['message'].get('text') or r['message'].get('arguments')}"
        for r in results
        if r.get("level", "warning") in ("error", "warning") or r["ruleId"] not in accepted
    ]


def _project_with_bad_files(tmp_path: Path) -> Path:
    """The Node.js examples beside files lambda-leak cannot analyse (or only in part)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "examples" / "node", project)
    (project / "blob.js").write_bytes(b"\x00\x01\x02 not text")
    (project / "latin1.py").write_bytes(b'NAME = "caf\xe9"\n')
    (project / "unfinished.js").write_text('exports.handler = async () => {\n  fetch("https://example.com");\n')
    return project


def test_examples_and_fixtures_validate_without_errors_or_warnings(validator: Path, tmp_path: Path):
    # In GitHub Actions the run names its commit (versionControlProvenance; SARIF2003 otherwise)
    github = {"GITHUB_REPOSITORY": "lambda-leak/lambda-leak", "GITHUB_SHA": "0" * 40, "GITHUB_REF": "refs/heads/main"}
    reports = [
        _report(tmp_path, "examples.sarif", "examples", env=github),
        _report(tmp_path, "fixtures.sarif", "tests/fixtures", env=github),
        _report(tmp_path, "shard.sarif", "examples", "--shard", "2/3", env=github),
        _report(tmp_path, "bad-files.sarif", ".", "--no-cache", env=github, cwd=_project_with_bad_files(tmp_path)),
    ]
    document = json.loads(reports[1].read_text())
    assert len(document["runs"][0]["results"]) > 50  # many rules, multi-line regions and fixes are covered
    invocation = json.loads(reports[3].read_text())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notified = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in invocation["toolExecutionNotifications"]}
    assert notified == {"blob.js", "latin1.py", "unfinished.js"}
    assert _problems(_validate(validator, tmp_path, *reports)) == []


def test_files_outside_the_checkout_validate_too(validator: Path, tmp_path: Path):
    """Absolute file URIs (no %SRCROOT%); the run then names no commit, whose checkout could not hold them."""
    outside = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "examples" / "node", outside)
    report = _report(tmp_path, "outside.sarif", str(outside), env={"GITHUB_REPOSITORY": "a/b", "GITHUB_SHA": "0" * 40})
    run = json.loads(report.read_text())["runs"][0]
    assert run["results"] and "versionControlProvenance" not in run
    # notes only: SARIF2003 (no commit named) and SARIF2016 (absolute URIs) are what "outside" means
    assert _problems(_validate(validator, tmp_path, report), ACCEPTED_NOTES | {"SARIF2003", "SARIF2016"}) == []


def test_the_validator_catches_what_github_rejects(validator: Path, tmp_path: Path):
    """The check can fail: without rule help (the report before issue 16), GitHub's GH2012 fires."""
    report = _report(tmp_path, "examples.sarif", "examples")
    document = json.loads(report.read_text())
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        del rule["fullDescription"], rule["help"]
    report.write_text(json.dumps(document))
    rule_ids = {r["ruleId"] for r in _validate(validator, tmp_path, report) if r.get("level") == "error"}
    assert "GH2012" in rule_ids
