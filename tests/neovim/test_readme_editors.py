"""The README's editor snippets are real: each parses, and the Neovim 0.10 one (`vim.lsp.start`)
attaches to a handler and gets its diagnostic in a headless Neovim."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from test_neovim import CALLBACK, REPO, nvim


def snippets(language: str) -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Editors\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def test_helix_and_sublime_snippets_parse():
    (helix,) = snippets("toml")
    config = tomllib.loads(helix)
    assert config["language-server"]["lambda-leak"] == {
        "command": "lambda-leak", "args": ["server"], "config": {"lambdaLeak": {"run": "onType"}}}
    assert all("lambda-leak" in language["language-servers"] for language in config["language"])
    (sublime,) = snippets("json")
    assert json.loads(sublime)["clients"]["lambda-leak"]["command"] == ["lambda-leak", "server"]


def run_nvim(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    (tmp_path / "check.lua").write_text(script)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return subprocess.run([nvim(), "--headless", "--clean", "-l", str(tmp_path / "check.lua")],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)


def test_neovim_snippets(tmp_path):
    enable, start = snippets("lua")
    handler = tmp_path / "handler.js"
    handler.write_text(CALLBACK)
    (tmp_path / "package.json").write_text("{}")
    script = f"""
assert(loadstring({enable!r}), 'the 0.11 snippet does not parse')
vim.cmd('filetype on')
{start}
vim.cmd.edit({str(handler)!r})
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
if not ok then io.stderr:write('no diagnostics\\n'); os.exit(1) end
io.stdout:write(vim.diagnostic.get(0)[1].code .. ' ' .. vim.lsp.get_clients({{ bufnr = 0 }})[1].name .. '\\n')
vim.cmd('qa!')
"""
    result = run_nvim(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "callback-handler lambda_leak"


@pytest.mark.skipif(shutil.which("emacs") is None, reason="Emacs is not installed")
def test_emacs_snippet_configures_eglot(tmp_path):
    (elisp,) = snippets("elisp")
    (tmp_path / "snippet.el").write_text(elisp)
    program = """(progn (require 'eglot) (load (expand-file-name "snippet.el")) (require 'js)
      (princ (format "%S|%S" (eglot--lookup-mode 'js-mode) eglot-workspace-configuration)))"""
    result = subprocess.run(["emacs", "--batch", "--eval", program], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)})
    if "Cannot open load file" in result.stderr:
        pytest.skip("eglot is not installed for this Emacs")
    assert result.returncode == 0, result.stderr
    assert '"lambda-leak" "server"' in result.stdout and "(:lambdaLeak (:run \"onType\"))" in result.stdout
