"""`--shard K/N`: N jobs of a CI matrix together report exactly what one run reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_leak.cli import main
from lambda_leak.shards import Shard

ROOT = Path(__file__).resolve().parents[2]
TREES = ["examples", "tests/fixtures", "tests/precision"]


def findings(capsys, *args: str) -> list[str]:
    assert main(["check", "--format", "json", "--exit-zero", *args]) == 0
    return sorted(json.dumps(f, sort_keys=True) for f in json.loads(capsys.readouterr().out))


@pytest.mark.parametrize("count", [2, 3, 5])
def test_union_of_shards_is_the_single_run(count: int, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    whole = findings(capsys, *TREES)
    assert len(whole) > 100
    parts = [findings(capsys, *TREES, "--shard", f"{k}/{count}") for k in range(1, count + 1)]
    assert sorted(f for part in parts for f in part) == whole
    assert all(parts)  # the split is not lopsided on a tree of this size


def test_union_holds_on_parallel_workers_too(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    whole = findings(capsys, "tests/fixtures", "--jobs", "2")
    parts = [findings(capsys, "tests/fixtures", "--jobs", "2", "--shard", f"{k}/2") for k in (1, 2)]
    assert sorted(parts[0] + parts[1]) == whole


TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Nightly:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: jobs/
      Handler: nightly.run
      Runtime: python3.12
"""
NIGHTLY = (
    "import threading\n\n\ndef refresh():\n    pass\n\n\n"
    "def run(event, context):\n    threading.Thread(target=refresh).start()\n    return {\"ok\": True}\n"
)


def test_handlers_declared_elsewhere_are_still_known(tmp_path: Path, capsys, monkeypatch):
    """`run` is a handler only because template.yaml says so: the shard that checks it still knows."""
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "nightly.py").write_text(NIGHTLY)
    for index in range(6):
        (tmp_path / "jobs" / f"helper_{index}.py").write_text(NIGHTLY.replace("def run", "def unused"))
    monkeypatch.chdir(tmp_path)
    assert findings(capsys, ".") == []  # without the template, nothing is a handler
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    whole = findings(capsys, ".")
    assert [json.loads(f)["path"] for f in whole] == ["jobs/nightly.py"]
    parts = {k: findings(capsys, ".", "--shard", f"{k}/3") for k in (1, 2, 3)}
    owner = next(k for k in (1, 2, 3) if Shard(k, 3).takes(Path("jobs/nightly.py")))
    assert parts == {k: (whole if k == owner else []) for k in (1, 2, 3)}


def test_the_split_is_stable_across_processes_and_spellings(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(ROOT)
    paths = [Path(p) for p in ("examples/node/axios-then.js", "examples/python/app.py", "src/x.ts", "a/b/c.py")]
    here = [next(k for k in range(1, 8) if Shard(k, 7).takes(p)) for p in paths]
    assert [next(k for k in range(1, 8) if Shard(k, 7).takes(ROOT / p)) for p in paths] == here  # absolute = relative
    assert [next(k for k in range(1, 8) if Shard(k, 7).takes(Path("./" + str(p)))) for p in paths] == here
    code = (
        "import sys; from pathlib import Path; from lambda_leak.shards import Shard;"
        "print([next(k for k in range(1, 8) if Shard(k, 7).takes(Path(p))) for p in sys.argv[1:]])"
    )
    other = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}, cwd=ROOT, check=True)
    assert other.stdout.strip() == str(here)


@pytest.mark.parametrize("value", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""])
def test_bad_shard_is_a_usage_error(value: str, capsys):
    assert main(["check", "--shard", value, "examples"]) == 2
    assert "--shard" in capsys.readouterr().err


def test_shard_refuses_stdin(capsys):
    assert main(["check", "--shard", "1/2", "-"]) == 2
    assert "--shard" in capsys.readouterr().err
