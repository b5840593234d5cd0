"""Packages pip installed into a project folder (`pip install --target`: a Lambda zip's
`package/`, a layer's `python/`) are dependencies: the walks leave out what their records name,
and keep the user's files beside them."""

from __future__ import annotations

from pathlib import Path

from tree_helpers import check_json, write_tree

from lambda_leak.cache import scan
from lambda_leak.files import iter_source_files, walk_names
from lambda_leak.installed import installed_names, is_installed

LEAKY_LIBRARY = """
import threading

def lambda_handler(event, context):
    threading.Thread(target=print).start()
    return {}
"""

# A zip's folder as `pip install -r requirements.txt -t package/` leaves it, with the user's handler copied in.
INSTALLED = {
    "package/lambda_function.py": LEAKY_LIBRARY,
    "package/requests/__init__.py": "",
    "package/requests/api.py": LEAKY_LIBRARY,
    "package/requests-2.31.0.dist-info/RECORD": (
        "requests/__init__.py,sha256=abc,10\n"
        "requests/api.py,sha256=def,20\n"
        "requests-2.31.0.dist-info/RECORD,,\n"
        "../../bin/normalizer,sha256=ghi,30\n"
    ),
    "package/six.py": LEAKY_LIBRARY,
    "package/six-1.16.0.dist-info/RECORD": "six.py,sha256=x,1\n./six-1.16.0.dist-info/METADATA,sha256=y,2\n",
    "package/legacy/__init__.py": LEAKY_LIBRARY,
    "package/legacy-0.1-py3.11.egg-info/top_level.txt": "legacy\n",
    "package/mylib/__init__.py": LEAKY_LIBRARY,  # vendored by hand, with no record: walked as the user's
    "package/template.json": '{"Resources": {}}',
}


def _relative(root: Path, paths) -> list[str]:
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


def test_a_record_names_the_packages_modules_and_metadata_pip_installed(tmp_path: Path):
    write_tree(tmp_path, INSTALLED)
    folder = tmp_path / "package"
    names = installed_names(str(folder), [p.name for p in folder.iterdir() if p.is_dir()])
    assert names == {"requests", "requests-2.31.0.dist-info", "six.py", "six-1.16.0.dist-info",
                     "legacy", "legacy.py", "legacy-0.1-py3.11.egg-info"}  # nothing outside the folder (`../../bin`)
    assert installed_names(str(folder), ["requests", "mylib"]) == frozenset()  # no metadata folder: nothing


def test_a_record_that_cannot_be_read_names_only_its_folder(tmp_path: Path):
    write_tree(tmp_path, {"package/requests/__init__.py": "", "package/requests-2.31.0.dist-info/METADATA": "x"})
    (tmp_path / "package" / "broken-1.0.dist-info" / "RECORD").mkdir(parents=True)  # a folder, not a file
    (tmp_path / "package" / "outside-1.0.dist-info").mkdir()
    (tmp_path / "package" / "outside-1.0.dist-info" / "RECORD").write_bytes(b"/abs/x.py,x,1\nC:/win/x.py,x,1\n\n,,\n")
    names = installed_names(str(tmp_path / "package"), ["requests", "requests-2.31.0.dist-info", "broken-1.0.dist-info",
                                                         "outside-1.0.dist-info"])
    assert names == {"requests-2.31.0.dist-info", "broken-1.0.dist-info", "outside-1.0.dist-info"}


def test_the_walks_leave_out_installed_packages_and_keep_the_users_files(tmp_path: Path):
    from lambda_leak.workspace.python import PythonProject

    write_tree(tmp_path, INSTALLED)
    kept = ["package/lambda_function.py", "package/mylib/__init__.py"]
    assert _relative(tmp_path, iter_source_files([tmp_path])) == kept
    assert _relative(tmp_path, walk_names(str(tmp_path), lambda name: True)) == sorted(
        [*kept, "package/template.json"])
    stamps = _relative(tmp_path, [p for p in scan([str(tmp_path)], skip="") if p != str(tmp_path)])
    assert stamps == sorted(["package", "package/mylib", *kept, "package/template.json"])
    project = PythonProject([tmp_path])
    assert _relative(tmp_path, project.workspace_files()) == kept
    assert _relative(tmp_path, project.project_files(str(tmp_path / "package" / "lambda_function.py"))) == kept


def test_check_reports_the_users_handler_and_not_the_installed_packages(tmp_path: Path, capsys):
    write_tree(tmp_path, INSTALLED)
    found = {(path, rule) for path, rule, *_ in check_json(capsys, tmp_path, extra=("--no-cache",))}
    assert found == {("package/lambda_function.py", "thread-leak"), ("package/mylib/__init__.py", "thread-leak")}
    # the same files without the records: every copy is reported (what the records change)
    for record in tmp_path.glob("package/*-info"):
        for file in record.iterdir():
            file.unlink()
        record.rmdir()
    found = {path for path, *_ in check_json(capsys, tmp_path, extra=("--no-cache",))}
    assert {"package/requests/api.py", "package/six.py", "package/legacy/__init__.py"} <= found


def test_the_language_server_leaves_an_installed_packages_file_alone(tmp_path: Path):
    from lambda_leak.installed import _installed_in
    from lambda_leak.lsp.scheduler import vendored

    write_tree(tmp_path, INSTALLED)
    _installed_in.cache_clear()
    assert is_installed(str(tmp_path / "package" / "requests" / "api.py"))
    assert is_installed(str(tmp_path / "package" / "six.py"))
    assert vendored(str(tmp_path / "package" / "legacy" / "__init__.py"))
    assert not vendored(str(tmp_path / "package" / "lambda_function.py"))
    assert not is_installed(str(tmp_path / "package" / "mylib" / "__init__.py"))
    assert not is_installed(str(tmp_path / "elsewhere" / "app.py"))  # a folder that is not there
