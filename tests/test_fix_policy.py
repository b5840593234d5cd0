"""One fix policy: `check --fix` and the editor's Fix All turn every fixture into the same text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixture_cases import Case, cases
from lambda_leak.cli import main
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.lsp.code_actions import CodeActions
from lambda_leak.lsp.diagnostics import DiagnosticsStore
from lambda_leak.lsp.documents import Document
from lambda_leak.lsp.positions import from_lsp_position, split_lines
from lambda_leak.lsp.server import LambdaLeakServer

BAD_CASES = [case for case in cases() if case.path.name.startswith("bad_")]


@pytest.fixture(scope="module")
def server() -> LambdaLeakServer:
    return LambdaLeakServer()


def editor_fix_all(server: LambdaLeakServer, path: Path) -> str:
    """What Fix All in an editor makes of the file: the server's code action, applied."""
    text = path.read_text(encoding="utf-8")
    report = analyse_source(str(path), text, Config())
    lines = split_lines(text)
    entry = DiagnosticsStore().put(path.as_uri(), 1, text, lines, report.findings, "utf-16")
    document = Document(path.as_uri(), str(path), 1, text)
    action = CodeActions(True, "utf-16", server.fix_text, True).fix_all(document, entry)
    if action is None or action.edit is None:
        return text
    (change,) = action.edit.document_changes
    (edit,) = change.edits
    start = from_lsp_position(lines, edit.range.start, "utf-16")
    end = from_lsp_position(lines, edit.range.end, "utf-16")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    return text[: offsets[start.line] + start.column] + edit.new_text + text[offsets[end.line] + end.column :]


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.id)
def test_fix_all_and_check_fix_agree(case: Case, server, tmp_path: Path, capsys):
    target = tmp_path / case.path.name
    shutil.copyfile(case.path, target)
    in_editor = editor_fix_all(server, target)
    assert main(["check", "--fix", "--exit-zero", str(target)]) == 0
    capsys.readouterr()
    assert target.read_text(encoding="utf-8") == in_editor


def test_the_fixtures_exercise_fixing():
    """The comparison above is not vacuous: many fixtures change under Fix All."""
    fixed = [case for case in BAD_CASES if case.fixed_path.exists()]
    assert len(fixed) >= 10
