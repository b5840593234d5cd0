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
SUMMARY_LIMIT = 200  # findings listed in the job summary
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
        findings.append((result["ruleId"], f"{where}: {result['ruleId']}: {result['message']['text']}"))
    return findings


def _unescape(value: str) -> str:
    """Undo the workflow-command escaping of `--format github` (%25 last: it escapes the others)."""
    for escaped, character in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, character)
    return value


def _annotation_findings(output: str) -> list[tuple[str, str]]:
    """(rule, `path:line: rule message`) for each `::warning file=…,line=…,title=lambda-leak RULE::…` line."""
    findings = []
    for line in output.splitlines():
        title = _TITLE.search(line)
        if not (line.startswith("::") and title and "::" in line[2:]):
            continue
        properties, message = line[2:].split(" ", 1)[1].split("::", 1)
        values = dict(item.split("=", 1) for item in properties.split(",") if "=" in item)
        findings.append((title.group(1), f"{_unescape(values.get('file', ''))}:{values.get('line', '')}: {_unescape(message)}"))
    return findings


def _markdown(found: list[tuple[str, str]], report: str) -> str:
    if not found:
        return "### lambda-leak\n\nNo execution leaks found.\n"
    rows = "".join(f"| `{rule}` | {count} |\n" for rule, count in Counter(rule for rule, _ in found).most_common())
    listed = "".join(f"- `{line.split(': ', 1)[0]}` {line.split(': ', 1)[1]}\n" for _, line in found[:SUMMARY_LIMIT])
    more = f"- … and {len(found) - SUMMARY_LIMIT} more\n" if len(found) > SUMMARY_LIMIT else ""
    where = "code scanning alerts" if report == "sarif" else "annotations, of which GitHub shows the first 10"
    return (f"### lambda-leak: {len(found)} execution leak{'s' if len(found) != 1 else ''}\n\n"
            f"| Rule | Findings |\n|---|---|\n{rows}\n<details><summary>All findings (also as {where})</summary>\n\n"
            f"{listed}{more}\n</details>\n")


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
        found = _annotation_findings(completed.stdout)
        sarif_file = ""
    findings = len(found)
    _set_outputs(**{"findings": str(findings), "exit-code": str(code), "sarif-file": str(sarif_file)})
    print(f"lambda-leak: {findings} finding{'s' if findings != 1 else ''}", flush=True)
    _summarise(_markdown(found, report))
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
