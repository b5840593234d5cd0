"""HandlerDiscovery re-parses a deployment file only when it changed."""

from __future__ import annotations

import os
from pathlib import Path

from lambda_leak.iac import HandlerDiscovery, discover
from lambda_leak.iac import templates


def _write(path: Path, text: str, mtime_ns: int) -> None:
    path.write_text(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))


TEMPLATE = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: {}\n      Runtime: nodejs20.x\n      Code: .\n"


def test_unchanged_files_are_not_parsed_again_and_changes_are_seen(tmp_path: Path, monkeypatch):
    calls = []
    real = templates.declarations
    monkeypatch.setattr(templates, "declarations", lambda document, path: calls.append(path) or real(document, path))
    _write(tmp_path / "template.yaml", TEMPLATE.format("a.main"), 1_000_000_000)
    (tmp_path / "b.js").write_text("exports.run = async () => 1;\n")
    discovery = HandlerDiscovery()

    first = discovery.discover(tmp_path)
    assert [(h.export_name, h.source_file) for h in first] == [("main", None)]
    (tmp_path / "a.js").write_text("exports.main = async () => 1;\n")
    # The template did not change, so it is not parsed again; the handler file that appeared is found.
    second = discovery.discover(tmp_path)
    assert [(h.export_name, h.source_file) for h in second] == [("main", tmp_path.resolve() / "a.js")]
    assert len(calls) == 1

    _write(tmp_path / "template.yaml", TEMPLATE.format("b.run"), 2_000_000_000)
    assert discovery.declared_handlers_by_file(tmp_path) == {tmp_path.resolve() / "b.js": {"run"}}
    assert len(calls) == 2
    assert discover(tmp_path) == discovery.discover(tmp_path)
