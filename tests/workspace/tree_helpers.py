"""Writing small multi-file projects into a temporary folder and checking them through the CLI."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from lambda_leak.cli import main


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def run_check(capsys, root: Path, *paths: str, extra: tuple[str, ...] = ()) -> tuple[list[tuple[str, str, int, int]], str]:
    """(path relative to root, rule, 1-based line, 1-based column) of every finding in output
    order, and what was printed on stderr."""
    targets = [str(root / p) for p in paths] or [str(root)]
    code = main(["check", *targets, "--format", "json", *extra])
    captured = capsys.readouterr()
    findings = json.loads(captured.out)
    assert code == (1 if findings else 0)
    return [(Path(os.path.relpath(f["path"], root)).as_posix(), f["rule"], f["line"], f["column"]) for f in findings], captured.err


def check_json(capsys, root: Path, *paths: str, extra: tuple[str, ...] = ()) -> list[tuple[str, str, int, int]]:
    return run_check(capsys, root, *paths, extra=extra)[0]
