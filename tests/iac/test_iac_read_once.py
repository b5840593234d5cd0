"""Discovery reads each candidate with one open (its status from the same descriptor): the same
answers as a stat first and the bytes after, on every fixture and on files it cannot read."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from iac_helpers import FIXTURES

from lambda_leak.files import read_bytes, read_status_and_bytes
from lambda_leak.iac import discovery
from lambda_leak.iac.discovery import HandlerDiscovery, read_declarations

ROOTS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("root", ROOTS, ids=lambda p: p.name)
def test_one_open_reads_what_a_stat_and_a_read_read(root: Path):
    for name in HandlerDiscovery().candidates(root):
        one_open = read_declarations(name, root)
        status = os.stat(name)
        stat_first = read_declarations(name, root, data=read_bytes(name, status.st_size))
        assert one_open == stat_first, name
        assert one_open[0] == (status.st_size, status.st_mtime_ns)


def test_read_status_and_bytes_gives_the_stat_and_the_whole_file(tmp_path: Path):
    path = tmp_path / "template.yaml"
    path.write_bytes(b"x" * 3000)
    status, data = read_status_and_bytes(str(path), 5000)
    assert data == b"x" * 3000 and (status.st_size, status.st_mtime_ns) == (os.stat(path).st_size, os.stat(path).st_mtime_ns)
    status, data = read_status_and_bytes(str(path), 2999)
    assert data is None and status.st_size == 3000  # over the limit: not read


def test_files_it_cannot_read_keep_their_answers(tmp_path: Path, monkeypatch, caplog):
    """Missing: no stamp. A FIFO or a folder named like a template: stamped, not cached, logged."""
    caplog.set_level(logging.INFO, logger="lambda_leak.iac")
    assert read_declarations(str(tmp_path / "missing.yaml"), tmp_path) == (None, [], False)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    stamp, declarations, cacheable = read_declarations(str(folder), tmp_path)
    assert stamp is not None and declarations == [] and not cacheable
    assert "cannot read" in caplog.text
    monkeypatch.setattr(discovery, "MAX_FILE_SIZE", 100)
    big = tmp_path / "big.yaml"
    big.write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n" + "#" * 200 + "\n")
    assert read_declarations(str(big), tmp_path)[1:] == ([], True)  # over the size limit: skipped unread
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
        stamp, declarations, cacheable = read_declarations(str(tmp_path / "pipe.yaml"), tmp_path)
        assert stamp is not None and declarations == [] and not cacheable


def test_the_candidates_listed_for_the_workers_are_not_walked_again_by_the_reading(tmp_path: Path, monkeypatch):
    """`Workspace.deployment_candidates` then `discover`, with the listings of one walk: one candidate
    walk; a later reading (new listings, or none) walks again and sees what changed."""
    (tmp_path / "template.yaml").write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
                                            "    Properties:\n      Handler: app.run\n")
    walks = []
    real_walk = discovery.walk_names
    monkeypatch.setattr(discovery, "walk_names", lambda *args: walks.append(args[0]) or real_walk(*args))
    reader, listings = HandlerDiscovery(), {}
    reader.listings = listings
    first = reader.candidates(tmp_path)
    assert reader.candidates(tmp_path) == first and len(walks) == 1
    assert len(reader.discover(tmp_path)) == 1 and len(walks) == 1
    assert reader._walked_in is None  # used: the listings are let go
    (tmp_path / "other.yaml").write_text("Resources: {}\n")
    reader.listings = {}
    assert len(reader.candidates(tmp_path)) == 2 and len(walks) == 2
    reader.listings = None
    assert len(reader.candidates(tmp_path)) == 2 and len(walks) == 3
