"""Index keys asked of the file system as little as a `check` can: the current folder once per
run (`fixed_folder`), no lstat for folders its walk went into (`keys_of` with the listings)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambda_leak.files import walk_names
from lambda_leak.workspace import keys


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "real/sub").mkdir(parents=True)
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    for name in ("real/a.js", "real/sub/b.py", "top.js"):
        (tmp_path / name).write_text("")
    monkeypatch.chdir(tmp_path)
    keys.forget_real_paths()
    yield tmp_path
    keys.forget_real_paths()


def _counting(patch: pytest.MonkeyPatch) -> tuple[list, list]:
    """Calls of os.getcwd and os.path.islink (answered as usual) while `patch` holds."""
    asked: list = []
    links: list = []
    real_getcwd, real_islink = os.getcwd, os.path.islink
    patch.setattr(os, "getcwd", lambda: asked.append(1) or real_getcwd())
    patch.setattr(os.path, "islink", lambda p: links.append(p) or real_islink(p))
    return asked, links


def test_inside_a_fixed_folder_keys_and_absolute_paths_do_not_ask_for_it(tree, monkeypatch):
    paths = ["top.js", "real/a.js", "linked/sub/b.py", "real/../top.js"]
    expected = [keys.key(p) for p in paths] + [os.path.abspath(p) for p in paths]
    keys.forget_real_paths()
    with keys.fixed_folder(), pytest.MonkeyPatch.context() as patch:
        asked, _ = _counting(patch)
        found = [keys.key(p) for p in paths] + [keys.absolute(p) for p in paths]
    assert found == expected and not asked
    assert keys.key("linked/sub/b.py") == str(tree.resolve() / "real/sub/b.py")


def test_outside_a_fixed_folder_a_change_of_folder_changes_the_keys(tree, monkeypatch):
    with keys.fixed_folder():
        assert keys.key("a.js") == str(tree.resolve() / "a.js")
    monkeypatch.chdir(tree / "real")  # the language server, tests: the folder may change between runs
    assert keys.key("a.js") == str(tree.resolve() / "real/a.js")
    assert keys.absolute("a.js") == str(tree / "real/a.js")


def test_index_keys_per_folder_are_those_of_each_file(tree):
    paths = ["top.js", "./top.js", "real/a.js", "linked/a.js", "linked/sub/b.py", "real/../top.js",
             str(tree / "linked/sub/b.py"), "linked/sub/../a.js"]
    files = [Path(p) for p in paths] + paths  # Path and str spellings
    names = keys.keys_of(files)
    assert [keys.key(name) for name in names] == names  # remembered as keys: key() of a key is itself
    keys.forget_real_paths()  # asked afresh, each on its own
    assert names == [keys.key(path) for path in files]


def test_keys_of_a_walk_equal_keys_asked_afresh_and_skip_the_lstat_of_walked_folders(tree, monkeypatch):
    listings: dict = {}
    walked = list(walk_names(".", lambda name: True, listings))
    paths = [*walked, "linked/a.js", "linked/sub/b.py", "real/../top.js", str(tree / "linked/sub/b.py")]
    with pytest.MonkeyPatch.context() as patch:
        _, links = _counting(patch)
        names = keys.keys_of(paths, listings)
    # the folders the walk went into (real/, real/sub/) are no links: not asked
    assert not {str(tree / "real"), str(tree / "real/sub")} & set(links)
    assert str(tree / "linked") in links  # not walked into (a link): asked, and resolved
    keys.forget_real_paths()
    assert names == [keys.key(p) for p in paths]
    assert str(tree.resolve() / "real/sub/b.py") in names


def test_keys_of_remembers_the_paths_as_given(tree, monkeypatch):
    names = keys.keys_of(["real/a.js", "linked/sub/b.py"])
    with keys.fixed_folder(), pytest.MonkeyPatch.context() as patch:
        asked, links = _counting(patch)
        found = [keys.key("real/a.js"), keys.key("linked/sub/b.py")]
    assert found == names and not asked and not links


def test_a_check_of_absolute_paths_runs_in_a_deleted_folder(tmp_path, monkeypatch):
    """A shell left in a deleted folder: `check /abs/path` works, as it did before the folder was fixed."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj/app.js").write_text("exports.handler = async () => { save(); };\n")
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    from lambda_leak.cli import main

    assert main(["check", "--no-cache", "--exit-zero", str(tmp_path / "proj")]) == 0
    with keys.fixed_folder():
        assert keys.keys_of([str(tmp_path / "proj/app.js")]) == [str(tmp_path.resolve() / "proj/app.js")]


def test_keys_of_keeps_no_key_for_names_that_are_no_files(tree):
    keys.keys_of(["..", "."])
    keys.keys_of(["real/a.js"])
    assert keys.key("..") == os.path.dirname(str(tree.resolve()))
