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
    asked: list[str] = []
    (tmp_path / "a" / "b" / "z.py").write_text("x\n")  # a name met twice: asked about once
    found = list(walk_names(str(tmp_path), lambda name: asked.append(name) or name.endswith(".py")))
    assert found == [str(tmp_path / "a" / "z.py"), str(tmp_path / "a" / "b" / "z.py")]
    assert sorted(asked) == ["b.js", "c.d.ts", "c.ts", "readme.md", "z.py"]
    stamps = scan([str(tmp_path)], skip="")
    assert str(tmp_path / "a" / "b" / "c.ts") in stamps and str(tmp_path / "a" / "readme.md") not in stamps
    assert not any("node_modules" in p or "loop" in p for p in stamps)


def test_a_vendored_sdks_service_models_are_not_walked(tmp_path: Path):
    """botocore/data and boto3/data (thousands of folders of JSON models) are left out by the walk,
    the cache's scan and the Python project's; a `data` folder anywhere else is walked."""
    from lambda_leak.workspace.python import PythonProject

    for relative in ("layer/python/botocore/client.py", "layer/python/botocore/data/s3/2006-03-01/service-2.json",
                     "layer/python/botocore/data/x.py", "layer/python/boto3/data/s3/2006-03-01/resources-1.json",
                     "layer/python/boto3/data/y.py", "src/data/handler.py", "src/data/template.yaml"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x\n")
    walked = [Path(p).relative_to(tmp_path).as_posix() for p in walk_names(str(tmp_path), lambda name: True)]
    assert walked == ["layer/python/botocore/client.py", "src/data/handler.py", "src/data/template.yaml"]
    stamps = {Path(p).relative_to(tmp_path).as_posix() for p in scan([str(tmp_path)], skip="") if p != str(tmp_path)}
    assert {"layer/python/botocore", "src/data", "src/data/handler.py", "src/data/template.yaml"} <= stamps
    assert not any(p.startswith(("layer/python/botocore/data", "layer/python/boto3/data")) for p in stamps)
    python = sorted(Path(p).relative_to(tmp_path).as_posix() for p in PythonProject([tmp_path]).workspace_files())
    assert python == ["layer/python/botocore/client.py", "src/data/handler.py"]


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


def test_read_source_bytes_says_why_a_file_is_skipped_as_a_stat_first_would(tmp_path: Path):
    """One open and fstat per source; the reasons are those of a stat first: too big wins over a
    folder named like a source (and over a file that cannot be opened)."""
    from lambda_leak.files import UnreadableFile, read_source_bytes

    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "big.py").write_text("#" * 50)
    (tmp_path / "folder.py").mkdir()
    os.mkfifo(tmp_path / "pipe.py")
    folder_size = os.stat(tmp_path / "folder.py").st_size
    assert read_source_bytes(str(tmp_path / "ok.py"), 20) == b"x = 1\n"
    expected = {
        ("big.py", 20): "file is 50 bytes, over the 20-byte limit (max-file-size), skipped",
        ("folder.py", folder_size + 1): "cannot read: is a folder",
        ("folder.py", folder_size - 1): f"file is {folder_size:,} bytes, over the {folder_size - 1:,}-byte limit (max-file-size), skipped",
        ("pipe.py", 20): "cannot read: not a regular file",
        ("missing.py", 20): "cannot read: No such file or directory",
    }
    for (name, limit), message in expected.items():
        with pytest.raises(UnreadableFile) as raised:
            read_source_bytes(tmp_path / name, limit)
        assert str(raised.value) == message, name


def _tree_with_configs(tmp_path: Path) -> Path:
    """Config files at several levels (one broken, one a pyproject.toml without our table, one a link,
    one a folder), links to files and folders, and a skipped folder."""
    root = tmp_path / "repo"
    files = {
        "lambda-leak.toml": 'exclude = ["gen/*"]\n', "a.js": "", "gen/g.js": "", "gen/deep/h.ts": "",
        "py/pyproject.toml": "[project]\nname = 'x'\n", "py/app.py": "", "py/pkg/mod.py": "",
        "own/.lambda-leak.toml": 'handler-names = ["run"]\n', "own/b.ts": "", "own/sub/c.mjs": "", "own/readme.md": "",
        "broken/lambda-leak.toml": "select = [\n", "broken/d.js": "", "broken/below/e.js": "",
        "broken/below/fixed/lambda-leak.toml": "scope = 'all'\n", "broken/below/fixed/f.js": "",
        "node_modules/dep/index.js": "", "folder-named-config/x.js": "",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    (root / "folder-named-config" / "lambda-leak.toml").mkdir()  # not a config file
    (root / "linked").mkdir()
    (root / "linked" / "to-own.js").symlink_to(root / "own" / "b.ts")  # a link takes its target's folder's config
    (root / "linked" / "lambda-leak.toml").symlink_to(root / "own" / ".lambda-leak.toml")  # a linked config file
    (root / "linked" / "plain.js").write_text("")
    (root / "own" / "loop").symlink_to(root)  # a link to a folder: never walked into
    (tmp_path / "via-link").symlink_to(root)  # a root reached through a link: configs of the real folders
    return root


def test_per_folder_configs_are_config_for_file_of_each_file(tmp_path: Path, monkeypatch):
    """`check`'s walk looks configs up once per folder (cli._sources_with_configs): each file gets
    the very object `config_for_file` gives it, or the same error."""
    from lambda_leak.cli import _sources_with_configs
    from lambda_leak.config import ConfigError, config_for_directory, config_for_file

    root = _tree_with_configs(tmp_path)
    monkeypatch.chdir(tmp_path)
    for paths in ([root], [Path("repo")], [Path(".")], [tmp_path / "via-link"], [Path("via-link/own")],
                  [root / "own", root / "own" / "b.ts", root / "own" / "readme.md", root / "linked" / "to-own.js"]):
        config_for_directory.cache_clear()
        fast = [(path, _error_text(config)) for path, config, _ in _sources_with_configs(paths, {})]
        slow = []  # with the same cache of configs by folder: the same objects
        for path in iter_source_files(paths):
            try:
                slow.append((path, config_for_file(path)))
            except ConfigError as error:
                slow.append((path, str(error)))
        assert [str(path) for path, _ in fast] == [str(path) for path, _ in slow]
        for (path, found), (_, expected) in zip(fast, slow):
            assert found is expected or (isinstance(expected, str) and found == expected), path
    names = {Path(path).name: config for path, config, _ in _sources_with_configs([root])}
    assert names["to-own.js"].handler_names == ("run",) and names["plain.js"].handler_names == ("run",)
    assert names["x.js"] is names["a.js"] and names["a.js"].exclude == ("gen/*",)
    assert "not valid TOML" in str(names["e.js"]) and names["f.js"].scope == "all"


def _error_text(config):
    from lambda_leak.config import ConfigError

    return str(config) if isinstance(config, ConfigError) else config


def _excluded_as_before(path: Path, patterns: tuple[str, ...], root: Path | None) -> bool:
    """`is_excluded` as it was written first (one fnmatch per name and pattern): the reference."""
    import fnmatch

    if not patterns:
        return False
    candidates = {path.as_posix(), path.name}
    if root is not None:
        try:
            candidates.add(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass
    return any(fnmatch.fnmatch(c, p) or fnmatch.fnmatch(c, p.rstrip("/") + "/*") for c in candidates for p in patterns)


@pytest.mark.parametrize("patterns", [
    ("gen/*",), ("own/",), ("own",), ("*.mjs", "**/sub/*"), ("repo/a.js",), ("b.ts",), ("linked/*", "py/pkg"), ("nothing",),
])
def test_exclusions_of_the_walk_are_is_excluded_as_before(tmp_path: Path, monkeypatch, patterns):
    """`check` excludes with one compiled expression per config and the walk's real folders
    (cli._excluded): the same answer as matching each pattern with fnmatch and resolving each path."""
    from lambda_leak.cli import _excluded, _sources_with_configs
    from lambda_leak.config import Config
    from lambda_leak.files import is_excluded

    root = _tree_with_configs(tmp_path)
    (tmp_path / "outside.js").write_text("")
    (root / "linked" / "out.js").symlink_to(tmp_path / "outside.js")  # resolves outside the config's folder
    monkeypatch.chdir(tmp_path)
    config = Config(exclude=patterns, root=root)
    for paths in ([root], [Path("repo")], [tmp_path / "via-link"], [Path("via-link/own")]):
        exclusions: dict = {}
        found = [(path, folder) for path, _, folder in _sources_with_configs(paths, {})]
        assert found
        for path, folder in found:
            expected = _excluded_as_before(path, patterns, root)
            assert _excluded(path, config, folder, exclusions) == expected, path
            assert is_excluded(path, patterns, root) == expected and is_excluded(path, patterns, None) == _excluded_as_before(path, patterns, None)
    assert is_excluded(root / "a.js", (), root) is False


def test_listed_files_answers_as_isfile_does_asking_only_what_the_listings_cannot_tell(tmp_path: Path, monkeypatch):
    """`check` resolves `./lib` by trying a dozen names: the walk's listings say which are not there
    without a system call; what they list (or do not cover) is asked, so every answer is isfile's."""
    from lambda_leak import files
    from lambda_leak.files import ListedFiles, walk_folders

    for relative in ("src/app.js", "src/lib/index.js", "src/Upper.js", "intl/café.js", "node_modules/pkg/index.js"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x\n")
    (tmp_path / "src" / "folder.js").mkdir()  # a folder named like a file
    os.symlink(tmp_path / "src" / "app.js", tmp_path / "src" / "link.js")
    os.symlink(tmp_path / "src" / "gone.js", tmp_path / "src" / "dangling.js")  # listed, but no file
    listings: dict = {}
    for _ in walk_folders(str(tmp_path), lambda name: True, listings):
        pass
    src = str(tmp_path / "src")
    names = ["app.js", "app.ts", "lib.js", "lib/index.js", "lib/index.ts", "Upper.js", "upper.js", "café.js",
             "cafe.js", "folder.js", "link.js", "dangling.js", "missing/index.js", "missing/deeper/index.js"]
    intl = str(tmp_path / "intl")
    paths = [os.path.join(src, n) for n in names] + [str(tmp_path / "node_modules" / "pkg" / "index.js"),
                                                      str(tmp_path / "node_modules" / "pkg" / "main.js"),
                                                      os.path.join(intl, "café.js"), os.path.join(intl, "other.js")]
    expected = [os.path.isfile(p) for p in paths]
    asked: list[str] = []
    isfile = os.path.isfile
    monkeypatch.setattr(files.os.path, "isfile", lambda p: asked.append(p) or isfile(p))
    listed = ListedFiles(listings)
    assert [listed(p) for p in paths] == expected
    assert expected.count(True) == 6  # app, lib/index, Upper, link, node_modules/pkg/index, intl/café
    never_asked = {"app.ts", "lib.js", "lib/index.ts", "cafe.js", "folder.js", "missing/index.js",
                   "missing/deeper/index.js"}
    assert not {os.path.join(src, n) for n in never_asked} & set(asked)
    # a name listed in another case, a non-ASCII name, and any name in a folder listing one, are asked
    assert {os.path.join(src, "upper.js"), os.path.join(src, "café.js"), os.path.join(intl, "other.js")} <= set(asked)
    assert ListedFiles({})("app.js") == os.path.isfile("app.js")  # a bare name: the current folder's
