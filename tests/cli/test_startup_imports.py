"""A re-run that finds nothing changed answers from the cache: it must not pay for importing the
analysers or the modules only a write, a config file or a shard needs (startup is most of it)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("tree_sitter", "astroid", "yaml", "tempfile", "tomllib", "_hashlib", "difflib", "multiprocessing")

PROBE = """
import json, sys
from lambda_leak.cli import main
code = main(["check", ".", "--exit-zero", "--format", "json"])
print(json.dumps([name for name in {heavy!r} if name in sys.modules]), file=sys.stderr)
"""


def test_an_unchanged_rerun_imports_no_analyser(tmp_path):
    (tmp_path / "handler.js").write_text("exports.handler = async () => { save(); };\nasync function save() {}\n")
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    first = subprocess.run([sys.executable, "-m", "lambda_leak", "check", ".", "--format", "json"], cwd=tmp_path,
                           capture_output=True, text=True)
    probe = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY)], cwd=tmp_path, capture_output=True, text=True)
    assert probe.stdout == first.stdout and json.loads(probe.stdout)[0]["rule"] == "floating-promise"
    assert json.loads(probe.stderr.strip().splitlines()[-1]) == []
