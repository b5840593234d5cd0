"""The CI report formats: SARIF details GitHub shows (help, snippets, fingerprints, fixes, the
shard's category), GitLab Code Quality JSON and JUnit XML."""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lambda_leak.cli import main
from lambda_leak.model import Finding, Position, Range
from lambda_leak.reporters import FORMATS, reporter

ROOT = Path(__file__).resolve().parents[2]
FLOATING = (
    'const axios = require("axios");\n'
    "exports.handler = async (event) => {\n"
    '  axios.post("/audit", event).then((r) => console.log(r.status));\n'
    '  return "OK";\n'
    "};\n"
)
CLEAN = 'exports.handler = async (event) => {\n  await fetch("https://example.com");\n  return "OK";\n};\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the examples, checked from its root as CI does."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "audit.js").write_text(FLOATING)
    (tmp_path / "src" / "clean.js").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys, *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def sarif_run(capsys, *args: str) -> dict:
    code, out = check(capsys, "--format", "sarif", *args)
    assert code in (0, 1)
    return json.loads(out)["runs"][0]


def apply(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (1-based lines and code-point columns, end exclusive) to `text`."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for r in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True):
        region = r["deletedRegion"]
        start, end = offset(region["startLine"], region["startColumn"]), offset(region["endLine"], region["endColumn"])
        text = text[:start] + r["insertedContent"]["text"] + text[end:]
    return text


def test_sarif_rules_carry_their_documentation(repo: Path, capsys):
    run = sarif_run(capsys, "examples")
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    doc = (ROOT / "docs" / "rules" / "floating-promise.md").read_text()
    rule = rules["floating-promise"]
    assert rule["name"] == "FloatingPromise"
    assert rule["help"]["markdown"] == doc
    assert "## Why it leaks on Lambda" in rule["help"]["markdown"] and "Why it leaks on Lambda" in rule["help"]["text"]
    assert rule["fullDescription"]["text"].startswith("A promise made on a handler path that nothing waits for")
    assert rule["helpUri"].endswith("/docs/rules/floating-promise.md")
    assert rule["shortDescription"]["text"].endswith(".")
    assert {"aws-lambda", "javascript", "typescript"} <= set(rule["properties"]["tags"])
    assert rule["properties"]["problem.severity"] == "warning" and rule["properties"]["precision"] == "high"
    assert "security-severity" not in rule["properties"]  # reliability findings, not vulnerabilities
    assert {"javascript", "python"} <= set(rules["timer-leak"]["properties"]["tags"])  # one id, two languages
    assert rules["require-await"]["defaultConfiguration"]["enabled"] is False


def test_sarif_locations_are_relative_with_snippets(repo: Path, capsys):
    run = sarif_run(capsys, str(repo / "src"))  # an absolute argument still gives a repository-relative URI
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"
    (result,) = run["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/audit.js", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 3
    assert location["region"]["snippet"]["text"].startswith('axios.post("/audit", event)')
    context = location["contextRegion"]
    assert (context["startLine"], context["endLine"]) == (1, 5)
    assert context["snippet"]["text"] == FLOATING


def test_sarif_file_outside_the_working_folder_keeps_an_absolute_uri(repo: Path, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "audit.js"
    elsewhere.write_text(FLOATING)
    (result,) = sarif_run(capsys, str(elsewhere))["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": elsewhere.resolve().as_uri()}
    assert location["contextRegion"]["snippet"]["text"] == FLOATING


def test_sarif_fingerprints_survive_line_moves(repo: Path, capsys):
    target = repo / "src" / "audit.js"
    before = sarif_run(capsys, "src")["results"][0]["partialFingerprints"]
    target.write_text("// a comment added above\n\n" + FLOATING)
    after = sarif_run(capsys, "src")["results"][0]
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert after["partialFingerprints"] == before
    target.write_text(FLOATING.replace('"/audit"', '"/billing"'))  # different code: a different alert
    assert sarif_run(capsys, "src")["results"][0]["partialFingerprints"] != before


def test_sarif_fingerprints_are_unique_for_repeated_code(repo: Path, capsys):
    twice = FLOATING.replace("  return", '  axios.post("/audit", event).then((r) => console.log(r.status));\n  return')
    (repo / "src" / "audit.js").write_text(twice)
    results = sarif_run(capsys, "src")["results"]
    assert len(results) == 2
    prints = [r["partialFingerprints"]["lambdaLeakFindingHash/v1"] for r in results]
    assert prints[0] != prints[1] and prints[0].split(":")[0] == prints[1].split(":")[0]


def test_sarif_fixes_are_the_safe_fixes_and_apply_like_fix(repo: Path, capsys):
    results = sarif_run(capsys, "examples")["results"]
    _, report = check(capsys, "--format", "json", "--exit-zero", "examples")
    expected = [[fix["title"] + "." for fix in f["fixes"] if fix["safe"]] for f in json.loads(report)]
    assert [[fix["description"]["text"] for fix in r.get("fixes", [])] for r in results] == expected
    assert any(not fixes for fixes in expected) and any(fixes for fixes in expected)
    (result,) = [r for r in results if r["ruleId"] == "async-foreach"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "examples/node/async-foreach.js", "uriBaseId": "%SRCROOT%"}
    target = repo / "examples" / "node" / "async-foreach.js"
    suggested = apply(target.read_text(), change["replacements"])
    assert main(["check", "--fix", str(target)]) == 0
    assert suggested == target.read_text()


def test_sarif_category_per_shard(repo: Path, capsys):
    assert "automationDetails" not in sarif_run(capsys, "examples")
    assert sarif_run(capsys, "examples", "--shard", "2/3")["automationDetails"] == {"id": "lambda-leak/shard-2-of-3/"}


def test_gitlab_code_quality(repo: Path, capsys):
    code, out = check(capsys, "--format", "gitlab", "examples", "src")
    assert code == 1
    issues = json.loads(out)
    _, report = check(capsys, "--format", "json", "examples", "src")
    findings = json.loads(report)
    assert len(issues) == len(findings) > 10
    for issue, finding in zip(issues, findings):
        assert issue["check_name"] == finding["rule"]
        assert issue["description"] == f"{finding['rule']}: {finding['message']}"
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == finding["path"] and not issue["location"]["path"].startswith("/")
        assert issue["location"]["lines"]["begin"] == finding["line"]
        assert issue["location"]["lines"]["end"] == finding["end_line"]
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    code, out = check(capsys, "--format", "gitlab", "src/clean.js")
    assert (code, json.loads(out)) == (0, [])


def test_gitlab_severity_follows_configured_severity(repo: Path, capsys):
    (repo / "pyproject.toml").write_text('[tool.lambda-leak]\nseverity = { floating-promise = "error" }\n')
    _, out = check(capsys, "--format", "gitlab", "src")
    assert [issue["severity"] for issue in json.loads(out)] == ["critical"]


def test_junit_one_case_per_file_one_failure_per_finding(repo: Path, capsys):
    code, out = check(capsys, "--format", "junit", "examples", "src")
    assert code == 1
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    suites = ET.fromstring(out)
    (suite,) = suites.findall("testsuite")
    cases = suite.findall("testcase")
    _, report = check(capsys, "--format", "json", "examples", "src")
    findings = json.loads(report)
    checked = sorted(str(p.relative_to(repo)) for p in [*repo.glob("examples/*/*"), *repo.glob("src/*")])
    assert sorted(case.get("name") for case in cases) == checked
    assert suite.get("tests") == str(len(checked))
    assert suite.get("failures") == str(len({f["path"] for f in findings}))
    failures = [(case.get("name"), failure.get("type")) for case in cases for failure in case.findall("failure")]
    assert failures == [(f["path"], f["rule"]) for f in findings]
    (clean,) = [case for case in cases if case.get("name") == "src/clean.js"]
    assert list(clean) == []
    (audit,) = [case for case in cases if case.get("name") == "src/audit.js"]
    (failure,) = audit.findall("failure")
    assert failure.get("message").startswith("line 3, column 3: floating-promise: ")
    assert failure.text.startswith("src/audit.js:3:3: floating-promise (warning) ")


def test_junit_survives_characters_xml_cannot_hold(repo: Path, capsys):
    (repo / "src" / "odd\x1bname.js").write_text(FLOATING)
    _, out = check(capsys, "--format", "junit", "src")
    names = [case.get("name") for case in ET.fromstring(out).iter("testcase")]
    assert "src/odd\ufffdname.js" in names


def test_reports_survive_files_that_changed_or_vanished_since_the_check(repo: Path):
    """--fix rewrites files, and CI may delete them: the reports fall back to what the finding says."""
    (repo / "src" / "short.js").write_text("x\n")
    findings = [
        Finding("timer-leak", "gone", Range(Position(40, 2), Position(41, 9)), path="src/short.js"),
        Finding("timer-leak", "gone", Range(Position(0, 0), Position(0, 5)), path="src/deleted.js"),
        Finding("timer-leak", "from stdin", Range(Position(0, 0), Position(0, 5)), path="-"),
    ]
    for name in FORMATS:
        stream = io.StringIO()
        reporter(name)(findings, stream)
        assert stream.getvalue(), name
    stream = io.StringIO()
    reporter("sarif")(findings, stream)
    locations = [r["locations"][0]["physicalLocation"] for r in json.loads(stream.getvalue())["runs"][0]["results"]]
    assert all("contextRegion" not in location for location in locations)
