"""The GitHub Action: action.yml's shape, and its steps (action/run_check.py) run locally on the
examples as a runner would run them, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from npm_tools import action_validator

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "action" / "run_check.py"


def run_step(tmp_path: Path, step: str, **inputs: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    """Run one step as the runner does: inputs as INPUT_* variables, outputs to files."""
    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary"
    outputs.write_text(""), summary.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith("INPUT_")}
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    env.update(GITHUB_OUTPUT=str(outputs), GITHUB_STEP_SUMMARY=str(summary))
    completed = subprocess.run([sys.executable, str(SCRIPT), step], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=600)
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return completed, values, summary.read_text()


def expected(*args: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "lambda_leak", "check", "--format", "json", "--exit-zero", *args],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_action_yml_is_a_composite_action_over_the_script():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"paths", "select", "args", "report", "shard"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"findings", "exit-code", "sarif-file"}
    steps = action["runs"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert 'python "$GITHUB_ACTION_PATH/action/run_check.py" install' in runs
    assert 'python "$GITHUB_ACTION_PATH/action/run_check.py" check' in runs
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)  # composite steps must name a shell
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"
    check = next(step for step in steps if step.get("id") == "check")
    # inputs reach the script as environment variables, never pasted into the shell script
    assert all("${{" not in run for run in runs)
    assert set(check["env"]) == {f"INPUT_{name.upper().replace('-', '_')}" for name in
                                 ("paths", "select", "args", "report", "shard", "sarif-file")}


def test_action_yml_passes_githubs_schema(tmp_path: Path):
    validate = action_validator()
    completed = subprocess.run([*validate, str(ROOT / "action.yml")], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    broken = tmp_path / "action.yml"  # the check can fail: a composite step without its shell
    broken.write_text((ROOT / "action.yml").read_text().replace("      shell: bash\n", "", 1))
    assert subprocess.run([*validate, str(broken)], capture_output=True, timeout=300).returncode != 0


def test_sarif_report_on_the_examples(tmp_path: Path):
    sarif = tmp_path / "report.sarif"
    completed, outputs, summary = run_step(tmp_path, "check", paths="examples", sarif_file=str(sarif))
    assert completed.returncode == 0, completed.stderr  # the upload step must still run
    findings = expected("examples")
    assert outputs == {"findings": str(len(findings)), "exit-code": "1", "sarif-file": str(sarif)}
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [f["rule"] for f in findings]
    assert "examples/node/axios-then.js:5: floating-promise: " in completed.stdout
    assert f"### lambda-leak: {len(findings)} execution leaks" in summary and "| `floating-promise` | 2 |" in summary
    assert [line.split("` ")[0][3:] for line in summary.splitlines() if line.startswith("- `")] == \
        [f"{f['path']}:{f['line']}" for f in findings]


def test_annotations_with_select_args_and_shard(tmp_path: Path):
    completed, outputs, _ = run_step(tmp_path, "check", paths="examples/node examples/python", report="annotations",
                                     select="timer-leak,floating-promise", args="--ignore floating-promise",
                                     shard="1/2")
    assert completed.returncode == 0, completed.stderr
    findings = expected("examples/node", "examples/python", "--select", "timer-leak,floating-promise",
                        "--ignore", "floating-promise", "--shard", "1/2")
    annotations = [line for line in completed.stdout.splitlines() if line.startswith("::")]
    assert [(a.split("file=")[1].split(",")[0], a.split("title=lambda-leak ")[1].split("::")[0]) for a in annotations] \
        == [(f["path"], f["rule"]) for f in findings]
    assert outputs["findings"] == str(len(findings)) and outputs["sarif-file"] == ""


def test_annotations_summary_reads_escaped_names_back(tmp_path: Path):
    tree = tmp_path / "odd"
    tree.mkdir()
    (tree / "a,b:c%.js").write_text("exports.handler = async () => {\n  setTimeout(() => {}, 5);\n  return 1;\n};\n")
    completed, outputs, summary = run_step(tmp_path, "check", paths=str(tree), report="annotations")
    assert "file=" in completed.stdout and "%2C" in completed.stdout  # escaped for the runner
    assert f"- `{tree}/a,b:c%.js:2` timer-leak: " in summary and outputs["findings"] == "1"


def test_clean_tree_and_exit_zero(tmp_path: Path):
    completed, outputs, summary = run_step(tmp_path, "check", paths="tests/precision/corpus", report="annotations")
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"findings": "0", "exit-code": "0", "sarif-file": ""}
    assert "No execution leaks found." in summary
    completed, outputs, _ = run_step(tmp_path, "check", paths="examples", report="annotations", args="--exit-zero")
    assert outputs["exit-code"] == "0" and int(outputs["findings"]) > 0  # the last step will not fail the job


@pytest.mark.parametrize("inputs", [{"paths": "no/such/folder"}, {"select": "no-such-rule"}, {"report": "html"}])
def test_a_check_that_cannot_run_fails_the_step(tmp_path: Path, inputs: dict):
    completed, outputs, _ = run_step(tmp_path, "check", sarif_file=str(tmp_path / "r.sarif"), **inputs)
    assert completed.returncode == 2
    assert "exit-code" not in outputs


def test_install_builds_a_package_that_carries_the_rule_docs(tmp_path: Path):
    """What the install step installs from the action's source: a wheel whose SARIF has the rule help."""
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        source.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "server", source / "server", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check",
                    str(source), "--wheel-dir", str(wheels)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("lambda_leak-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        docs = {name.rsplit("/", 1)[1] for name in archive.namelist() if "/rule_docs/" in name}
        archive.extractall(tmp_path / "site")
    assert docs == {page.name for page in (ROOT / "docs" / "rules").glob("*.md")}
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    probe = "import lambda_leak, sys; print(lambda_leak.__file__)"
    assert subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout.startswith(str(tmp_path / "site"))
    out = subprocess.run([sys.executable, "-m", "lambda_leak", "check", "--format", "sarif", str(ROOT / "examples")],
                         env=env, cwd=tmp_path, capture_output=True, text=True).stdout
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["help"]["markdown"].startswith(f"# {rule['id']}\n") for rule in rules)
