"""The folder walk `check`, IaC discovery and the result cache share: order, skipped folders, links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambda_leak.cache import scan
from lambda_leak.files import iter_source_files, read_bytes, walk_names


def test_walk_order_skips_and_links(tmp_path: Path):
    for relative in ("b.js", "a/z.py", "a/b/c.ts", "node_modules/x/index.js", "a/readme.md", "c.d.ts"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x\n")
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "loop")  # a link back up: never walked into
    found = [Path(p).relative_to(tmp_path).as_posix() for p in iter_source_files([tmp_path])]
    # a folder's files (sorted) before its subfolders (sorted): the order os.walk gave
    assert found == ["b.js", "a/z.py", "a/b/c.ts"]
    assert list(walk_names(str(tmp_path / "b.js"), lambda name: False)) == [str(tmp_path / "b.js")]
    assert list(walk_names(str(tmp_path / "missing"), lambda name: True)) == []
    stamps = scan([str(tmp_path)], skip="")
    assert str(tmp_path / "a" / "b" / "c.ts") in stamps and str(tmp_path / "a" / "readme.md") not in stamps
    assert not any("node_modules" in p or "loop" in p for p in stamps)


def test_a_second_walk_reuses_the_folder_listings_of_the_first(tmp_path: Path, monkeypatch):
    for relative in ("b.js", "a/z.py", "a/b/c.ts", "a/b/template.yaml", "node_modules/x/index.js"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x\n")
    listings: dict = {}
    first = list(walk_names(str(tmp_path), lambda name: name.endswith((".js", ".py", ".ts")), listings))
    assert first == list(walk_names(str(tmp_path), lambda name: name.endswith((".js", ".py", ".ts"))))

    def no_listing(path):
        raise AssertionError(f"{path} listed twice")

    monkeypatch.setattr(os, "scandir", no_listing)
    assert list(walk_names(str(tmp_path), lambda name: name.endswith(".yaml"), listings)) == [str(tmp_path / "a" / "b" / "template.yaml")]
    # the same folders named another way (relative to the current folder) are the same listings
    monkeypatch.chdir(tmp_path)
    assert list(walk_names(".", lambda name: name == "z.py", listings)) == [os.path.join(".", "a", "z.py")]


def test_read_bytes_reads_the_whole_file_whatever_stat_said(tmp_path: Path):
    data = bytes(range(256)) * 9000  # over one read of 1 MiB past the stat size
    (tmp_path / "f.bin").write_bytes(data)
    (tmp_path / "empty").write_bytes(b"")
    name = str(tmp_path / "f.bin")
    assert read_bytes(name) == data
    assert read_bytes(name, len(data)) == data
    assert read_bytes(name, 10) == data  # the file grew since it was stat'ed
    assert read_bytes(name, len(data) + 50) == data  # or shrank
    assert read_bytes(str(tmp_path / "empty")) == b""
    with pytest.raises(OSError):
        read_bytes(str(tmp_path / "missing"))
    with pytest.raises(OSError):
        read_bytes(str(tmp_path))  # a folder


def test_read_bytes_follows_a_short_read_to_the_end(tmp_path: Path, monkeypatch):
    """Network and FUSE file systems may return less than asked before the end of the file."""
    data = b"x" * 5000
    (tmp_path / "f").write_bytes(data)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 1000)))
    assert read_bytes(str(tmp_path / "f")) == data
    assert read_bytes(str(tmp_path / "f"), len(data)) == data


def test_read_bytes_refuses_what_is_not_a_regular_file(tmp_path: Path):
    """A FIFO or a device named like a source or template file: an error at once, not a hang."""
    fifo = tmp_path / "template.yaml"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        read_bytes(str(fifo))
    (tmp_path / "app.py").symlink_to("/dev/zero")
    with pytest.raises(OSError):
        read_bytes(str(tmp_path / "app.py"))
