"""The README's "In CI" snippets are real: each is valid YAML of the right shape, uses only the
action's real inputs, and every `lambda-leak` command in them is one the CLI accepts."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import yaml

from lambda_leak.cli import build_parser
from npm_tools import action_validator

ROOT = Path(__file__).resolve().parents[2]


def ci_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## In CI\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert len(blocks) >= 5  # GitHub, GitHub matrix, GitLab, JUnit, pre-commit
    return blocks


def ci_snippets() -> list:
    return [yaml.safe_load(block) for block in ci_blocks()]


def walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def commands(snippet) -> list[str]:
    texts = [node for node in walk(snippet) if isinstance(node, str)]
    return [line.strip() for text in texts for line in text.splitlines() if line.strip().startswith("lambda-leak ")]


def test_github_snippets_use_the_action_and_its_inputs():
    action_inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    steps = [node for snippet in ci_snippets() for node in walk(snippet)
             if isinstance(node, dict) and str(node.get("uses", "")).startswith("lambda-leak/lambda-leak@")]
    assert len(steps) >= 2
    for step in steps:
        assert set(step.get("with", {})) <= action_inputs
    matrix = next(s for s in ci_snippets() if "jobs" in s and "strategy" in s["jobs"]["lambda-leak"])
    shards = matrix["jobs"]["lambda-leak"]["strategy"]["matrix"]["shard"]
    template = next(step["with"]["shard"] for step in steps if "shard" in step.get("with", {}))
    parser = build_parser()
    for shard in shards:
        parser.parse_args(["check", "--shard", template.replace("${{ matrix.shard }}", str(shard))])
    workflows = [s for s in ci_snippets() if isinstance(s, dict) and "jobs" in s]
    assert all(job["permissions"]["security-events"] == "write" if "permissions" in job else
               s["permissions"]["security-events"] == "write" for s in workflows for job in s["jobs"].values())


def test_gitlab_snippet_reports_code_quality_and_junit():
    (job,) = [s["lambda-leak"] for s in ci_snippets() if isinstance(s, dict) and "lambda-leak" in s]
    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"
    formats = {}
    for command in commands(job):
        words = shlex.split(command)
        formats[words[words.index("--format") + 1]] = words[words.index(">") + 1]
    assert formats == {"gitlab": reports["codequality"], "junit": reports["junit"]}


def test_every_lambda_leak_command_in_the_snippets_parses():
    parser = build_parser()
    found = [command for snippet in ci_snippets() for command in commands(snippet)]
    assert len(found) >= 3
    for command in found:
        words = shlex.split(command.replace("$CI_NODE_INDEX/$CI_NODE_TOTAL", "1/2"))
        words = words[1:words.index(">")] if ">" in words else words[1:]
        parser.parse_args(words)  # exits on an unknown option or a bad value


def test_github_workflows_pass_githubs_schema(tmp_path: Path):
    validate = action_validator()
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    blocks = [block for block in ci_blocks() if re.search(r"^jobs:", block, re.MULTILINE)]
    assert len(blocks) == 2
    for index, block in enumerate(blocks):
        workflow = workflows / f"lambda-leak-{index}.yml"
        # the matrix snippet shows only `jobs:`; a workflow also needs its trigger
        workflow.write_text(block if re.search(r"^on:", block, re.MULTILINE) else "on: [pull_request]\n" + block)
        completed = subprocess.run([*validate, str(workflow)], capture_output=True, text=True, timeout=300)
        assert completed.returncode == 0, completed.stdout + completed.stderr
