"""CI tools the tests run for real, installed from the npm registry into a cache folder on first
use (reused by later runs, like the VS Code end-to-end test's tools)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("LAMBDA_LEAK_TOOLS_CACHE", Path.home() / ".cache" / "lambda-leak-tools"))


def npm_install(*packages: str) -> Path:
    """The folder whose node_modules holds `packages` (each `name@exact-version`)."""
    name = "+".join(p.replace("/", "_").lstrip("@") for p in packages)
    folder = CACHE / name
    if (folder / "node_modules").is_dir():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    staging = CACHE / f".{name}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    subprocess.run([npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", "--loglevel=error", *packages],
                   check=True, timeout=900, stdout=subprocess.DEVNULL)
    try:
        staging.rename(folder)  # atomic: parallel test runs never see half an install
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another run finished first
    return folder


def action_validator() -> list[str]:
    """`action-validator FILE`: checks action.yml and workflow files against GitHub's published schemas
    (SchemaStore), choosing the schema by the file's name and folder."""
    folder = npm_install("@action-validator/cli@0.6.0", "@action-validator/core@0.6.0")
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    return [node, str(folder / "node_modules" / "@action-validator" / "cli" / "cli.mjs")]
