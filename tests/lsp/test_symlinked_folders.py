"""The index names files by their real path; a symlink re-pointed while the server runs is seen."""

from __future__ import annotations

from pathlib import Path

from lambda_leak.lsp.workspace_index import WorkspaceIndex
from lambda_leak.workspace.index import key


def test_a_re_pointed_symlink_changes_the_files_real_name(tmp_path: Path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "lib.js").write_text("export const x = 1;\n")
    link = tmp_path / "linked"
    link.symlink_to(tmp_path / "one")
    assert key(link / "lib.js") == str((tmp_path / "one" / "lib.js").resolve())
    link.unlink()
    link.symlink_to(tmp_path / "two")  # `npm link` / pnpm pointing the folder elsewhere
    WorkspaceIndex().file_changed(link / "lib.js", deleted=False)  # the watcher's event
    assert key(link / "lib.js") == str((tmp_path / "two" / "lib.js").resolve())


def test_a_re_pointed_symlink_changes_the_python_projects_names_too(tmp_path: Path):
    """The Python project keeps each file's real name; a file event (here the link's own) forgets
    them, so the project reads the file the link points to now."""
    for folder, value in (("v1", 1), ("v2", 2)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text(f"x = {value}\n")
    link = tmp_path / "src"
    link.symlink_to(tmp_path / "v1")
    index = WorkspaceIndex()
    index.folders = [tmp_path]
    index.build()
    project = index.workspace.python
    assert project.key(str(link / "a.py")) == str((tmp_path / "v1" / "a.py").resolve())
    link.unlink()
    link.symlink_to(tmp_path / "v2")
    index.file_changed(link, deleted=False)
    assert project.key(str(link / "a.py")) == str((tmp_path / "v2" / "a.py").resolve())
    assert project.text(str(link / "a.py")) == "x = 2\n"


def test_a_relative_name_is_named_from_the_current_folder(tmp_path: Path, monkeypatch):
    """`check .` asks with relative names (cached): the same name from another folder, or through a
    re-pointed link, is another file."""
    for folder in ("one", "two"):
        (tmp_path / folder / "src").mkdir(parents=True)
        (tmp_path / folder / "src" / "lib.js").write_text("export const x = 1;\n")
    monkeypatch.chdir(tmp_path / "one")
    assert key("src/lib.js") == key("./src/lib.js") == str((tmp_path / "one" / "src" / "lib.js").resolve())
    monkeypatch.chdir(tmp_path / "two")
    assert key("src/lib.js") == str((tmp_path / "two" / "src" / "lib.js").resolve())
    (tmp_path / "linked").symlink_to(tmp_path / "one")
    monkeypatch.chdir(tmp_path)
    assert key("linked/src/lib.js") == str((tmp_path / "one" / "src" / "lib.js").resolve())
    (tmp_path / "linked").unlink()
    (tmp_path / "linked").symlink_to(tmp_path / "two")
    WorkspaceIndex().file_changed(tmp_path / "linked" / "src" / "lib.js", deleted=False)
    assert key("linked/src/lib.js") == str((tmp_path / "two" / "src" / "lib.js").resolve())
