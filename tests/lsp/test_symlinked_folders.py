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
