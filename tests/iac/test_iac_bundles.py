"""Handlers naming a built file (index.scaleUp → index.js built from src/lambda.ts): traced through the
project's own build declarations, or to the one exported function of that name; otherwise unresolved."""

from __future__ import annotations

import json
from pathlib import Path

from iac_helpers import FIXTURES

from lambda_leak.iac import bundles
from lambda_leak.iac.bundles import trace_build

LAMBDA_TS = "export async function scaleUp(event: unknown) {\n  return event;\n}\n"


def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root.resolve()


def traced(root: Path, handler: str = "index.scaleUp", code_dir: str = "svc") -> tuple[str | None, str]:
    resolved = trace_build(handler, root / code_dir, root)
    if resolved is None:
        return None, ""
    source = resolved.source_file.relative_to(root).as_posix() if resolved.source_file else None
    return source, resolved.how


def test_esbuild_script_with_outfile(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"scripts": {"build": "esbuild src/lambda.ts --bundle --platform=node --outfile=dist/index.js"}}),
        "svc/src/lambda.ts": LAMBDA_TS,
    })
    assert traced(root) == ("svc/src/lambda.ts", "index.js built from src/lambda.ts via esbuild in package.json scripts.build")


def test_esbuild_outdir_names_the_output_after_the_entry(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"scripts": {"bundle": "npx esbuild src/index.ts src/other.ts --bundle --outdir=dist"}}),
        "svc/src/index.ts": LAMBDA_TS,
        "svc/src/other.ts": LAMBDA_TS,
    })
    assert traced(root)[0] == "svc/src/index.ts"
    assert traced(root, "other.scaleUp")[0] == "svc/src/other.ts"


def test_webpack_config_entry(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"scripts": {"build": "webpack --mode production"}}),
        "svc/webpack.config.js": (
            "const path = require('path');\n"
            "module.exports = {\n  target: 'node',\n  entry: { index: './src/lambda.ts' },\n"
            "  output: { filename: '[name].js', path: path.resolve(__dirname, 'dist'), libraryTarget: 'commonjs2' },\n};\n"
        ),
        "svc/src/lambda.ts": LAMBDA_TS,
    })
    assert traced(root) == ("svc/src/lambda.ts", "index.js built from src/lambda.ts via webpack entry in webpack.config.js")


def test_esbuild_build_script_file(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"scripts": {"build": "node build.mjs"}}),
        "svc/build.mjs": (
            "import { build } from 'esbuild';\n"
            "await build({ entryPoints: ['src/handler.ts'], bundle: true, platform: 'node', outfile: 'dist/index.js' });\n"
        ),
        "svc/src/handler.ts": LAMBDA_TS,
    })
    assert traced(root) == ("svc/src/handler.ts", "index.js built from src/handler.ts via esbuild entry in build.mjs")


def test_tsconfig_out_dir_when_the_code_folder_is_the_out_dir(tmp_path: Path):
    root = project(tmp_path, {
        "svc/tsconfig.json": '{\n  // compiled with tsc\n  "compilerOptions": { "outDir": "./build", "rootDir": "./lib", },\n}\n',
        "svc/lib/handlers/index.ts": LAMBDA_TS,
    })
    assert traced(root, "handlers/index.scaleUp", "svc/build") == (
        "svc/lib/handlers/index.ts", "index.js built from lib/handlers/index.ts via tsconfig outDir build, rootDir lib")


def test_package_json_main(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"main": "dist/index.js", "devDependencies": {"typescript": "5.6.0"}}),
        "svc/src/index.ts": LAMBDA_TS,
    })
    assert traced(root) == ("svc/src/index.ts", "index.js built from src/index.ts via package.json main dist/index.js")


def test_the_one_exported_function_of_that_name(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"devDependencies": {"esbuild": "0.24.0"}}),
        "svc/src/lambda.ts": LAMBDA_TS,
        "svc/src/util.ts": "export const helper = () => 'scaleUp';\n",  # names it, does not export it
        "svc/test/lambda.test.ts": LAMBDA_TS,  # tests are not the deployed code
        "svc/node_modules/x/index.js": "exports.scaleUp = () => 1;\n",
    })
    assert traced(root) == ("svc/src/lambda.ts", "index.js not in the source; the only exported scaleUp under svc")


def test_two_exported_functions_of_that_name_is_no_answer(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"devDependencies": {"esbuild": "0.24.0"}}),
        "svc/src/up.ts": LAMBDA_TS,
        "svc/src/legacy/up.ts": LAMBDA_TS,
    })
    assert traced(root) == (None, "")


def test_a_missing_file_in_a_package_that_builds_nothing_stays_missing(tmp_path: Path):
    root = project(tmp_path, {"svc/package.json": json.dumps({"name": "svc"}), "svc/src/lambda.js": LAMBDA_TS.replace(": unknown", "")})
    assert traced(root) == (None, "")


def test_nothing_above_the_discovery_root_is_read(tmp_path: Path):
    project(tmp_path, {
        "package.json": json.dumps({"scripts": {"build": "ncc build src/lambda.ts"}}),
        "src/lambda.ts": LAMBDA_TS,
    })
    inner = project(tmp_path / "inner", {"svc/readme.md": "built elsewhere\n"})
    assert traced(inner) == (None, "")


def test_a_bundler_entry_wins_over_a_same_named_file_in_the_tsconfig_root(tmp_path: Path):
    root = project(tmp_path, {
        "svc/package.json": json.dumps({"scripts": {"build": "ncc build src/lambda.ts -o dist"}}),
        "svc/tsconfig.json": '{ "compilerOptions": { "outDir": "lib", "rootDir": "src" } }',
        "svc/src/lambda.ts": LAMBDA_TS,
        "svc/src/index.ts": "export async function start() {}\n",  # a local dev server, not the deployed entry
    })
    assert traced(root)[0] == "svc/src/lambda.ts"


def test_every_function_entry_of_a_fixture_file_stands_alone_as_a_word():
    """`_only_export` parses a file only where its name stands alone as a word: every function
    entry of every JavaScript/TypeScript fixture (export names other than "default") does."""
    from lambda_leak.source import SourceText, language_for
    from lambda_leak.workspace.entries import module_entries
    from lambda_leak.workspace.summary import parse_module

    checked = 0
    for path in sorted(FIXTURES.parent.rglob("*")):
        language = language_for(path.name) if path.is_file() else None
        if language not in ("javascript", "typescript", "tsx") or "node_modules" in path.parts:
            continue
        data = path.read_bytes()
        try:
            module = parse_module(SourceText(str(path), data.decode("utf-8"), language))
        except (UnicodeDecodeError, ValueError):
            continue
        for name, member in module_entries(module).functions:
            if member is None and name != "default":
                assert bundles._word(name.encode()).search(data) is not None, (path, name)
                checked += 1
    assert checked > 150


def test_a_name_inside_a_longer_one_is_not_the_only_export(tmp_path):
    package = tmp_path / "svc"
    (package / "src").mkdir(parents=True)
    (package / "tsconfig.json").write_text("{}")
    (package / "src" / "a.ts").write_text("export const handler42 = async () => 1;\n")
    (package / "src" / "b.ts").write_text("export const handler = async () => 2;\n")
    assert bundles._only_export(package, "handler") == package / "src" / "b.ts"
    (package / "src" / "c.js").write_text("exports.handler = async () => 3;\n")
    assert bundles._only_export(package, "handler") is None  # two of them: no answer
