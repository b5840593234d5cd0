"""Emacs with eglot (Debian's emacs-nox + elpa-eglot) drives the server, when Emacs is installed.
It takes push diagnostics and utf-16 columns: the other half of what the Neovim test covers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CALLBACK = """const fs = require('fs');
exports.handler = (event, context, callback) => {
  const tag = "🚀 日本語";
  fs.readFile('/tmp/x', (err, data) => {
    if (err) {
      callback(err);
      return;
    }
    callback(null, { statusCode: 200, body: tag + String(data) });
  });
};
"""


@pytest.mark.skipif(shutil.which("emacs") is None, reason="Emacs is not installed")
def test_convert_to_async_handler_in_emacs_eglot(tmp_path):
    handler = tmp_path / "handler.js"
    handler.write_text(CALLBACK)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(tmp_path)}
    result = subprocess.run(["emacs", "--batch", "-l", str(HERE / "eglot_check.el"), str(handler)],
                            capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    if "Cannot open load file" in result.stderr and "eglot" in result.stderr:
        pytest.skip("eglot is not installed for this Emacs")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "return new Promise((resolve, reject) => {" in result.stdout
