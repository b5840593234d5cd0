"""Packages pip installed into a project folder (`pip install --target`: a Lambda zip's
`package/`, a layer's `python/`) are dependencies: the walks leave out what their records name,
and keep the user's files beside them."""

from __future__ import annotations

import os
from pathlib import Path

from tree_helpers import check_json, write_tree

from lambda_leak.cache import scan
from lambda_leak.files import iter_source_files, walk_names
from lambda_leak.installed import forget, installed_names, is_installed

LEAKY = """
import threading

def lambda_handler(event, context):
    threading.Thread(target=print).start()
    return {}
"""

# A zip's folder as `pip install -r requirements.txt -t package/` leaves it, with the user's code copied in.
INSTALLED = {
    "package/lambda_function.py": LEAKY,
    "package/requests/__init__.py": "",
    "package/requests/api.py": LEAKY,
    "package/requests/adapters/pool.py": LEAKY,
    "package/requests-2.31.0.dist-info/RECORD": (
        "requests/__init__.py,sha256=abc,10\n"
        "requests/api.py,sha256=def,20\n"
        "./requests/adapters/pool.py,sha256=ghi,30\n"
        "requests-2.31.0.dist-info/RECORD,,\n"
        "../../bin/normalizer,sha256=jkl,30\n"
        '"foo,bar.py",sha256=mno,1\n'
    ),
    "package/six.py": LEAKY,
    "package/six-1.16.0.dist-info/RECORD": "six.py,sha256=x,1\n",
    "package/foo/__init__.py": LEAKY,  # the user's: only `foo,bar.py` is recorded
    # a careless wheel that ships a top-level `utils` where the user has one: the user's file keeps it walked
    "package/utils/__init__.py": "",
    "package/utils/mine.py": LEAKY,
    "package/careless-1.0.dist-info/RECORD": "utils/__init__.py,,\n",
    # `pip install -e .` / `python -m build` beside the user's own package: an egg-info is no sign
    "package/myapp/__init__.py": LEAKY,
    "package/myapp.egg-info/top_level.txt": "myapp\n",
    "package/mylib/__init__.py": LEAKY,  # vendored by hand, with no record: the user's
    "package/template.json": '{"Resources": {}}',
}
USERS = ["package/foo/__init__.py", "package/lambda_function.py", "package/myapp/__init__.py",
         "package/mylib/__init__.py", "package/utils/__init__.py", "package/utils/mine.py"]


def _relative(root: Path, paths) -> list[str]:
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


def test_a_record_names_the_modules_and_packages_pip_installed(tmp_path: Path):
    write_tree(tmp_path, INSTALLED)
    folder = tmp_path / "package"
    names = installed_names(str(folder), os.listdir(folder))
    assert names == {"requests", "requests-2.31.0.dist-info", "six.py", "six-1.16.0.dist-info", "foo,bar.py",
                     "careless-1.0.dist-info"}  # not `utils` (the user's file is in it), nothing from `../../bin`
    assert installed_names(str(folder), ["requests", "mylib", "myapp.egg-info"]) == frozenset()  # no record: nothing


def test_a_record_that_cannot_be_read_names_only_its_folder(tmp_path: Path):
    write_tree(tmp_path, {"package/requests/__init__.py": "", "package/requests-2.31.0.dist-info/METADATA": "x"})
    (tmp_path / "package" / "broken-1.0.dist-info" / "RECORD").mkdir(parents=True)  # a folder, not a file
    (tmp_path / "package" / "outside-1.0.dist-info").mkdir()
    (tmp_path / "package" / "outside-1.0.dist-info" / "RECORD").write_bytes(b"/abs/x.py,x,1\nC:/win/x.py,x,1\n\n,,\n")
    names = installed_names(str(tmp_path / "package"), os.listdir(tmp_path / "package"))
    assert names == {"requests-2.31.0.dist-info", "broken-1.0.dist-info", "outside-1.0.dist-info"}


def test_the_walks_leave_out_installed_packages_and_keep_the_users_files(tmp_path: Path):
    from lambda_leak.workspace.python import PythonProject

    write_tree(tmp_path, INSTALLED)
    assert _relative(tmp_path, iter_source_files([tmp_path])) == USERS
    assert _relative(tmp_path, walk_names(str(tmp_path), lambda name: True)) == sorted(
        [*USERS, "package/myapp.egg-info/top_level.txt", "package/template.json"])
    stamps = _relative(tmp_path, [p for p in scan([str(tmp_path)], skip="") if p != str(tmp_path)])
    metadata = [f"package/{name}" for name in ("requests-2.31.0.dist-info", "six-1.16.0.dist-info", "careless-1.0.dist-info")]
    assert stamps == sorted([*USERS, "package", "package/foo", "package/myapp", "package/mylib", "package/utils",
                             "package/myapp.egg-info", "package/template.json", *metadata, *(m + "/RECORD" for m in metadata)])
    project = PythonProject([tmp_path])
    assert _relative(tmp_path, project.workspace_files()) == USERS
    assert _relative(tmp_path, project.project_files(str(tmp_path / "package" / "lambda_function.py"))) == USERS


def test_a_linked_record_folder_counts_in_every_walk(tmp_path: Path):
    """A metadata folder that is a link to one: the walk, the cache's scan and the Python project
    agree (a file one walks and the scan does not stamp would keep stale cached results)."""
    from lambda_leak.workspace.python import PythonProject

    write_tree(tmp_path, {"package/lambda_function.py": LEAKY, "package/requests/__init__.py": "",
                          "package/requests/api.py": LEAKY,
                          "meta/requests-2.31.0.dist-info/RECORD": "requests/__init__.py,,\nrequests/api.py,,\n"})
    os.symlink(tmp_path / "meta" / "requests-2.31.0.dist-info", tmp_path / "package" / "requests-2.31.0.dist-info")
    package = tmp_path / "package"
    assert _relative(tmp_path, iter_source_files([package])) == ["package/lambda_function.py"]
    assert not any("requests" in p and "dist-info" not in p for p in scan([str(package)], skip=""))
    assert _relative(tmp_path, PythonProject([package]).workspace_files()) == ["package/lambda_function.py"]
    forget()
    assert is_installed(str(package / "requests" / "api.py"))


def test_check_reports_the_users_handlers_and_not_the_installed_packages(tmp_path: Path, capsys):
    write_tree(tmp_path, INSTALLED)
    found = {path for path, *_ in check_json(capsys, tmp_path, extra=("--no-cache",))}
    assert found == {p for p in USERS if p != "package/utils/__init__.py"}
    # the same files without the records: every copy is reported (what the records change)
    for record in tmp_path.glob("package/*.dist-info"):
        (record / "RECORD").unlink()
        record.rmdir()
    found = {path for path, *_ in check_json(capsys, tmp_path, extra=("--no-cache",))}
    assert {"package/requests/api.py", "package/requests/adapters/pool.py", "package/six.py"} <= found


def test_a_record_edited_in_place_is_seen_by_a_cached_run(tmp_path: Path, capsys):
    write_tree(tmp_path, INSTALLED)
    cache = ("--cache-dir", str(tmp_path / "cache"))
    first = {path for path, *_ in check_json(capsys, tmp_path / "package", extra=cache)}
    assert "requests/api.py" not in first
    record = tmp_path / "package" / "requests-2.31.0.dist-info" / "RECORD"
    record.write_text("requests/__init__.py,,\n")  # api.py is no longer recorded: `requests` is the user's now
    stat = record.stat()
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    second = {path for path, *_ in check_json(capsys, tmp_path / "package", extra=cache)}
    assert {"requests/api.py", "requests/adapters/pool.py"} <= second


def test_the_language_server_leaves_an_installed_packages_file_alone(tmp_path: Path):
    from lambda_leak.lsp.scheduler import vendored

    write_tree(tmp_path, INSTALLED)
    forget()
    assert is_installed(str(tmp_path / "package" / "requests" / "api.py"))
    assert is_installed(str(tmp_path / "package" / "requests" / "adapters" / "pool.py"))
    assert vendored(str(tmp_path / "package" / "six.py"))
    for mine in USERS:
        assert not vendored(str(tmp_path / mine)), mine
    assert not is_installed(str(tmp_path / "elsewhere" / "app.py"))  # a folder that is not there
