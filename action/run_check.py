"""The GitHub Action's steps (action.yml calls this script; tests run it locally).

    run_check.py install   install lambda-leak: the action's own source, or `version` from PyPI
    run_check.py check     run `lambda-leak check` and leave the outcome in the step outputs

Inputs arrive as INPUT_* environment variables (set in action.yml). `check` exits 0 when the check
ran, whatever it found, so the SARIF upload step still runs; the action's last step fails the job
on findings. It exits 2 when lambda-leak could not check (bad input, unknown rule, no such path).
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

ACTION_ROOT = Path(__file__).resolve().parent.parent
REPORTS = ("sarif", "annotations")
_TITLE = re.compile(r"title=lambda-leak ([a-z0-9-]+)")


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip() or default


def _set_outputs(**values: str) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            for key, value in values.items():
                stream.write(f"{key}={value}\n")


def _summarise(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(markdown)


def install_command() -> list[str]:
    version = _input("version")
    package = f"lambda-leak=={version}" if version else str(ACTION_ROOT)
    return [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", package]


def check_command(report: str) -> list[str]:
    command = [sys.executable, "-m", "lambda_leak", "check", *shlex.split(_input("paths", "."))]
    command += ["--format", "sarif" if report == "sarif" else "github"]
    if _input("select"):
        command += ["--select", _input("select")]
    if _input("shard"):
        command += ["--shard", _input("shard")]
    return command + shlex.split(_input("args"))


def _sarif_findings(sarif_file: Path) -> list[tuple[str, str]]:
    """(rule, `path:line: rule message`) for each result of the report."""
    findings = []
    for result in json.loads(sarif_file.read_text(encoding="utf-8"))["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        where = f"{location['artifactLocation']['uri']}:{location['region']['startLine']}"
        findings.append((result["ruleId"], f"{where}: {result['ruleId']} {result['message']['text']}"))
    return findings


def _markdown(findings: int, rules: Counter, report: str) -> str:
    if not findings:
        return "### lambda-leak\n\nNo execution leaks found.\n"
    rows = "".join(f"| `{rule}` | {count} |\n" for rule, count in rules.most_common())
    where = "the code scanning alerts" if report == "sarif" else "the annotations"
    return f"### lambda-leak: {findings} execution leak{'s' if findings != 1 else ''}\n\n| Rule | Findings |\n|---|---|\n{rows}\nDetails: {where}.\n"


def check() -> int:
    report = _input("report", "sarif")
    if report not in REPORTS:
        print(f"::error title=lambda-leak::report must be one of {', '.join(REPORTS)}, got {report!r}")
        return 2
    command = check_command(report)
    print("+ lambda-leak " + shlex.join(command[3:]), flush=True)
    if report == "sarif":
        sarif_file = Path(_input("sarif-file", "lambda-leak.sarif"))
        with sarif_file.open("w", encoding="utf-8") as stream:
            code = subprocess.run(command, stdout=stream).returncode
        if code not in (0, 1):
            return 2
        found = _sarif_findings(sarif_file)
        for _, line in found:  # the log keeps a readable list; code scanning has the details
            print(line)
    else:
        completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
        code = completed.returncode
        sys.stdout.write(completed.stdout)  # workflow commands: the runner turns them into annotations
        if code not in (0, 1):
            return 2
        annotations = [line for line in completed.stdout.splitlines() if line.startswith("::")]
        found = [(_TITLE.search(line).group(1), line) for line in annotations if _TITLE.search(line)]
        sarif_file = ""
    findings = len(found)
    _set_outputs(**{"findings": str(findings), "exit-code": str(code), "sarif-file": str(sarif_file)})
    print(f"lambda-leak: {findings} finding{'s' if findings != 1 else ''}", flush=True)
    _summarise(_markdown(findings, Counter(rule for rule, _ in found), report))
    return 0


def main(argv: list[str]) -> int:
    if argv == ["install"]:
        return subprocess.run(install_command()).returncode
    if argv == ["check"]:
        return check()
    print(f"usage: {Path(__file__).name} install|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
