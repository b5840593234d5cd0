"""Handler strings resolve the way the Lambda runtimes load them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambda_leak.iac.handler_paths import (
    NODE_EXTENSIONS, NODE_SOURCE_EXTENSIONS, TS_EXTENSIONS, node_module_file, python_module_file, resolve,
    resolve_entry_points, runtime_family, source_of_build_output, split_node, split_python,
)


@pytest.mark.parametrize(
    "handler, expected",
    [
        ("index.handler", ("index", "handler")),
        ("src/h/app.nested.fn", ("src/h/app", "nested.fn")),
        ("v1.2/app.main", ("v1.2/app", "main")),  # dots in folders are not split
        ("app", ("app", "")),
    ],
)
def test_node_split(handler, expected):
    assert split_node(handler) == expected


@pytest.mark.parametrize(
    "handler, expected",
    [("app.lambda_handler", ("app", "lambda_handler")), ("pkg.mod.fn", ("pkg.mod", "fn")), ("src/app.main", ("src/app", "main"))],
)
def test_python_split(handler, expected):
    assert split_python(handler) == expected


@pytest.mark.parametrize(
    "runtime, family",
    [("nodejs22.x", "node"), ("python3.13", "python"), ("java21", "other"), ("provided.al2023", "other"), (None, None), ("mystery", None)],
)
def test_runtime_family(runtime, family):
    assert runtime_family(runtime) == family


def _tree(root: Path, *files: str) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("// x\n")


def test_node_extension_order_follows_the_runtime_then_typescript(tmp_path: Path):
    _tree(tmp_path, "a.mjs", "a.cjs", "a.ts", "b.cjs", "b.ts", "c.cts", "d/index.mjs")
    assert resolve("a.h", tmp_path, "node").source_file == tmp_path / "a.mjs"
    assert resolve("b.h", tmp_path, "node").source_file == tmp_path / "b.cjs"
    assert resolve("c.h", tmp_path, "node").source_file == tmp_path / "c.cts"
    assert resolve("d.h", tmp_path, "node").source_file == tmp_path / "d" / "index.mjs"
    assert resolve("e.h", tmp_path, "node").source_file is None


def test_nested_export_path_keeps_the_first_segment_as_export_name(tmp_path: Path):
    _tree(tmp_path, "src/h/app.js")
    resolved = resolve("src/h/app.nested.fn", tmp_path, "node")
    assert (resolved.source_file, resolved.export_path, resolved.export_name) == (tmp_path / "src/h/app.js", "nested.fn", "nested")


def test_python_modules_and_packages(tmp_path: Path):
    _tree(tmp_path, "app.py", "pkg/mod.py", "pkg/sub/__init__.py")
    assert resolve("app.lambda_handler", tmp_path, "python").source_file == tmp_path / "app.py"
    assert resolve("pkg.mod.fn", tmp_path, "python").source_file == tmp_path / "pkg" / "mod.py"
    assert resolve("pkg/mod.fn", tmp_path, "python").source_file == tmp_path / "pkg" / "mod.py"
    assert resolve("pkg.sub.fn", tmp_path, "python").source_file == tmp_path / "pkg" / "sub" / "__init__.py"
    resolved = resolve("pkg.mod.fn", tmp_path, "python")
    assert (resolved.export_path, resolved.export_name) == ("fn", "fn")


def test_undeclared_runtime_tries_node_then_python(tmp_path: Path):
    _tree(tmp_path, "svc/app.py", "both.js", "both.py")
    py = resolve("svc.app.main", tmp_path, None)  # Node would look for svc.js
    assert (py.source_file, py.export_name) == (tmp_path / "svc" / "app.py", "main")
    assert resolve("both.main", tmp_path, None).source_file == tmp_path / "both.js"


def test_code_not_on_disk_resolves_names_only():
    resolved = resolve("lib/app.api.get", None, "node")
    assert (resolved.source_file, resolved.export_path, resolved.export_name) == (None, "api.get", "api")


def test_esbuild_entry_points(tmp_path: Path):
    _tree(tmp_path, "src/a.ts", "src/jobs/b.ts", "c.ts")
    # One entry point: its folder is dropped.
    assert resolve_entry_points("a.handler", tmp_path, ["src/a.ts"]).source_file == tmp_path / "src" / "a.ts"
    # Several: their common folder is dropped, the rest kept.
    two = ["./src/a.ts", "src/jobs/b.ts"]
    assert resolve_entry_points("jobs/b.run", tmp_path, two).source_file == tmp_path / "src" / "jobs" / "b.ts"
    assert resolve_entry_points("a.run", tmp_path, two).source_file == tmp_path / "src" / "a.ts"
    assert resolve_entry_points("c.run", tmp_path, ["c.ts"]).source_file == tmp_path / "c.ts"
    assert resolve_entry_points("zzz.run", tmp_path, two) is None


def test_compiled_output_folders_map_back_to_their_sources(tmp_path: Path):
    _tree(tmp_path, "svc/src/handlers/app.ts", "svc/dist/handlers/app.js", "other/handlers/b.ts", "plain/dist/c.js")
    # tsc outDir dist, rootDir src: the source wins even when the build output exists
    assert resolve("handlers/app.main", tmp_path / "svc" / "dist", "node").source_file == tmp_path / "svc/src/handlers/app.ts"
    # rootDir .: dist/handlers/b.js came from handlers/b.ts
    assert resolve("handlers/b.main", tmp_path / "other" / "dist", None).source_file == tmp_path / "other/handlers/b.ts"
    # no source anywhere: the built file is still the answer
    assert resolve("c.main", tmp_path / "plain" / "dist", "node").source_file == tmp_path / "plain/dist/c.js"


# -- the lookups by strings find what the lookups by Path found ---------------------------------

def _path_node_module_file(base: Path, module: str, extensions) -> Path | None:
    """The lookup as it was written with Path (one object per name tried): the reference."""
    stem = Path(os.path.normpath(os.path.join(base, module.replace("\\", "/"))))
    if stem.suffix in NODE_SOURCE_EXTENSIONS and stem.is_file():
        return stem
    for extension in extensions:
        candidate = stem.with_name(stem.name + extension)
        if candidate.is_file():
            return candidate
    if stem.is_dir():
        for extension in extensions:
            candidate = stem / f"index{extension}"
            if candidate.is_file():
                return candidate
    return None


def _path_python_module_file(base: Path, module: str) -> Path | None:
    relative = module.replace("\\", "/").replace("/", ".").strip(".").replace(".", "/")
    if not relative:
        return None
    for candidate in (Path(os.path.normpath(os.path.join(base, relative + ".py"))),
                      Path(os.path.normpath(os.path.join(base, relative))) / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


LOOKUP_FILES = ["app.js", "app.ts", "lib.mjs", "x.cjs.ts", "folder/index.ts", "both/index.js", "both.cjs", ".js",
                "dots.v1/handler.mjs", "pkg/__init__.py", "pkg/mod.py", "mod.py", "odd.", "a.b.c.tsx", "link-target.ts"]
LOOKUP_MODULES = ["app", "app.js", "app.ts", "lib", "x", "x.cjs", "folder", "both", "", ".", "..", "./app", "../up",
                  "dots.v1/handler", "pkg", "pkg.mod", "pkg/mod", "mod", "odd", "odd.", "a.b.c", "a.b", "missing",
                  "link", "link.ts", "folder/", "sub\\app", "pkg.__init__", ".js"]


def test_string_lookups_find_the_files_the_path_lookups_found(tmp_path: Path):
    for name in LOOKUP_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "link.ts").symlink_to(tmp_path / "link-target.ts")
    (tmp_path / "sub").mkdir()
    base = tmp_path / "sub"
    for folder in (tmp_path, base):
        for module in LOOKUP_MODULES:
            for extensions in (NODE_SOURCE_EXTENSIONS, TS_EXTENSIONS + NODE_EXTENSIONS):
                assert node_module_file(folder, module, extensions) == _path_node_module_file(folder, module, extensions), module
            assert python_module_file(folder, module) == _path_python_module_file(folder, module), module


def test_a_build_folder_leads_to_its_source_by_strings_too(tmp_path: Path):
    for name in ("src/handlers/app.ts", "other/dist/x/app.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert source_of_build_output(tmp_path / "dist", "handlers/app") == tmp_path / "src/handlers/app.ts"
    assert source_of_build_output(tmp_path, "dist/handlers/app") == tmp_path / "src/handlers/app.ts"
    assert source_of_build_output(tmp_path, "handlers/app") is None  # no build folder on the way
    assert source_of_build_output(tmp_path / "distant", "app") is None  # a name that only starts like one
