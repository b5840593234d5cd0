"""Handlers that name a *built* file: `index.scaleUp` where index.js is what esbuild, webpack, ncc,
tsup or tsc writes from src/lambda.ts. When the named file is not in the source, the project's own
build declarations say where it comes from, tried in this order:

1. tsconfig.json `outDir`/`rootDir`, when the code folder is the outDir (the built file's path
   mapped back to the source tree);
2. entry points in package.json build scripts (`esbuild src/lambda.ts --outfile=dist/index.js`,
   `ncc build src/lambda.ts`, `tsup src/lambda.ts`) and in esbuild/webpack config files;
3. tsconfig again, for a zip of outDir's contents (the handler relative to outDir); then
   package.json `main` naming the built file, mapped back as in 1;
4. failing all that, when the package does build its code (a tsconfig.json, a bundler or compiler in
   package.json), the one exported function of the handler's name in its source folder — when
   exactly one exists; two or more is no answer. A missing file in a package that builds nothing
   was deleted, not bundled: it stays unresolved.

Every answer carries `how`, which `--list-handlers` shows. Build files are read, never run."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Iterator

from lambda_leak.iac.handler_paths import NODE_EXTENSIONS, TS_EXTENSIONS, Resolved, join, node_module_file, split_node

SOURCE_EXTENSIONS = TS_EXTENSIONS + NODE_EXTENSIONS + (".jsx",)
SKIPPED_FOLDERS = frozenset({
    "node_modules", ".git", "dist", "build", "out", ".build", "lib-cjs", "coverage", "cdk.out", ".serverless",
    ".aws-sam", ".sst", "test", "tests", "__tests__", "__mocks__", ".terraform",
})
BUILD_CONFIG_NAMES = (
    "esbuild.config.js", "esbuild.config.mjs", "esbuild.config.cjs", "esbuild.config.ts", "build.js", "build.mjs",
    "build.cjs", "build.ts", "webpack.config.js", "webpack.config.cjs", "webpack.config.mjs", "webpack.config.ts",
)
_MAX_LEVELS = 4  # how far above the code folder the package.json may be
_MAX_SCANNED_FILES = 2000
_MAX_FILE_SIZE = 1024 * 1024


def trace_build(handler: str, code_dir: Path, root: Path, memo: dict | None = None) -> Resolved | None:
    """The source of a Node.js handler whose file is not in `code_dir`, or None when nothing says.
    `memo` keeps the answers within one discovery (for_each instances share a package)."""
    if memo is None:
        return _trace(handler, code_dir, root)
    key = (handler, code_dir, root)
    if key not in memo:
        memo[key] = _trace(handler, code_dir, root)
    return memo[key]


def _trace(handler: str, code_dir: Path, root: Path) -> Resolved | None:
    module, export_path = split_node(handler)
    export_name = export_path.split(".", 1)[0]
    built_name = os.path.basename(module)
    package = _package_folder(code_dir, root)
    if package is None or not export_name or not built_name:
        return None

    def found(source: Path, how: str) -> Resolved:
        return Resolved(source, export_path, export_name, f"{built_name}.js built from {_shown(source, package)} via {how}")

    tsconfig = _tsconfig(package)
    tsc = f"tsconfig outDir {tsconfig[1]}, rootDir {tsconfig[2]}" if tsconfig else ""
    built = join(code_dir, module)
    for candidate in _tsconfig_sources(tsconfig, built, None):  # the code folder is tsc's outDir
        return found(candidate, tsc)
    for entry, output, where in _build_entries(package):  # a bundler's entry: more specific than a zip of outDir
        if output == built_name:
            source = node_module_file(package, entry) if not os.path.splitext(entry)[1] else join(package, entry)
            if source is not None and source.is_file():
                return found(source, where)
    for candidate in _tsconfig_sources(tsconfig, built, module):  # a zip of outDir's contents
        return found(candidate, tsc)
    main = _package_json(package).get("main")
    if isinstance(main, str) and os.path.splitext(os.path.basename(main))[0] == built_name:
        source = _source_of_built(package, main, tsconfig)
        if source is not None:
            return found(source, f"package.json main {main}")
    only = _only_export(package, export_name) if _builds(package) else None
    if only is not None:
        return Resolved(only, export_path, export_name,
                        f"{built_name}.js not in the source; the only exported {export_name} under {_shown(package, root)}")
    return None


def _shown(path: Path, base: Path) -> str:
    relative = os.path.relpath(path, base)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _package_folder(code_dir: Path, root: Path) -> Path | None:
    """The nearest folder at or above the code folder (not above `root`) with a package.json or tsconfig.json."""
    folder = code_dir
    for _ in range(_MAX_LEVELS + 1):
        if (folder / "package.json").is_file() or (folder / "tsconfig.json").is_file():
            return folder
        if folder == root or root not in folder.parents or folder.parent == folder:
            break
        folder = folder.parent
    return code_dir if code_dir.is_dir() else None


def _package_json(package: Path) -> dict:
    try:
        document = json.loads((package / "package.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


# --- tsconfig
def _tsconfig(package: Path) -> tuple[Path, str, str] | None:
    """(tsconfig folder, outDir, rootDir) when the package's tsconfig.json sets an outDir."""
    path = package / "tsconfig.json"
    try:
        document = json.loads(_strip_jsonc(path.read_text(encoding="utf-8-sig")))
    except (OSError, ValueError):
        return None
    options = document.get("compilerOptions") if isinstance(document, dict) else None
    if not isinstance(options, dict) or not isinstance(options.get("outDir"), str):
        return None
    root_dir = options.get("rootDir")
    if not isinstance(root_dir, str):
        root_dir = "src" if (package / "src").is_dir() else "."  # tsc's default: the inputs' common folder
    return package, os.path.normpath(options["outDir"]), os.path.normpath(root_dir)


def _tsconfig_sources(tsconfig: tuple[Path, str, str] | None, built: Path, module: str | None) -> Iterator[Path]:
    """The source tsc compiles to `built`: when `built` lies in outDir (module None), or when the
    zip holds outDir's contents and the handler's `module` is relative to it."""
    if tsconfig is None:
        return
    folder, out_dir, root_dir = tsconfig
    out_path = join(folder, out_dir)
    if module is None:
        if out_path != built and out_path not in built.parents:
            return
        module = os.path.relpath(built, out_path)
    source = node_module_file(join(folder, root_dir), module, TS_EXTENSIONS + NODE_EXTENSIONS)
    if source is not None:
        yield source


def _source_of_built(package: Path, built: str, tsconfig: tuple[Path, str, str] | None) -> Path | None:
    stem = os.path.splitext(os.path.normpath(built))[0]
    for source in _tsconfig_sources(tsconfig, join(package, stem), None):
        return source
    parts = Path(stem).parts
    for i, part in enumerate(parts):  # dist/index.js → src/index.ts or index.ts
        if part in ("dist", "build", "out", "lib", ".build"):
            for candidate in (Path("src", *parts[i + 1 :]), Path(*parts[i + 1 :])):
                source = node_module_file(package, str(candidate), TS_EXTENSIONS + NODE_EXTENSIONS)
                if source is not None:
                    return source
    return None


def _strip_jsonc(text: str) -> str:
    """tsconfig.json allows comments and trailing commas; json does not."""
    out: list[str] = []
    index, length, in_string = 0, len(text), False
    while index < length:
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < length:
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end < 0 else end + 2
            continue
        elif char in "}]":
            while out and out[-1].isspace():
                out.pop()
            if out and out[-1] == ",":
                out.pop()
            out.append(char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


# --- build scripts and config files
def _build_entries(package: Path) -> Iterator[tuple[str, str, str]]:
    """(entry file relative to the package, name of the file it builds without extension, where it is said)."""
    scripts = _package_json(package).get("scripts")
    if isinstance(scripts, dict):
        for name, command in scripts.items():
            if isinstance(command, str):
                for entry, output, tool in _script_entries(command):
                    yield entry, output, f"{tool} in package.json scripts.{name}"
    for name in BUILD_CONFIG_NAMES:
        path = package / name
        if path.is_file():
            for entry, output in _config_entries(path):
                relative = os.path.relpath(join(path.parent, entry), package)
                tool = "webpack" if name.startswith("webpack") else "esbuild"
                yield relative, output, f"{tool} entry in {name}"


def _script_entries(command: str) -> Iterator[tuple[str, str, str]]:
    try:
        words = shlex.split(command, comments=False, posix=True)
    except ValueError:
        return
    step: list[str] = []
    for word in words + ["&&"]:
        if word in ("&&", "||", ";", "|"):
            yield from _step_entries(step)
            step = []
        else:
            step.append(word)


def _step_entries(words: list[str]) -> Iterator[tuple[str, str, str]]:
    while words and words[0] in ("npx", "pnpm", "yarn", "exec", "bunx", "pnpx"):
        words = words[1:]
    if not words:
        return
    tool = os.path.basename(words[0])
    arguments = words[1:]
    if tool == "ncc" and arguments[:1] == ["build"]:
        files = [a for a in arguments[1:] if not a.startswith("-") and a.endswith(SOURCE_EXTENSIONS)]
        for entry in files[:1]:
            yield entry, "index", "ncc build"  # ncc always writes index.js
        return
    if tool not in ("esbuild", "tsup"):
        return
    entries = [a for a in arguments if not a.startswith("-") and a.endswith(SOURCE_EXTENSIONS)]
    outfile = next((a.split("=", 1)[1] for a in arguments if a.startswith("--outfile=")), None)
    if outfile is None and "--outfile" in arguments[:-1]:
        outfile = arguments[arguments.index("--outfile") + 1]
    for entry in entries:
        output = os.path.splitext(os.path.basename(outfile))[0] if outfile and len(entries) == 1 else _stem(entry)
        yield entry, output, tool


def _stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


def _config_entries(path: Path) -> Iterator[tuple[str, str]]:
    """`entryPoints` (esbuild) or `entry` (webpack) with the output name, read with tree-sitter."""
    from lambda_leak.javascript.parser import parse
    from lambda_leak.javascript.syntax import string_value
    from lambda_leak.javascript.syntax import text as node_text

    try:
        data = path.read_bytes()
    except OSError:
        return
    if len(data) > _MAX_FILE_SIZE:
        return
    language = "typescript" if path.suffix == ".ts" else "javascript"
    tree = parse(data, language)
    pairs: dict[str, list] = {}
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "pair":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is not None and value is not None:
                name = string_value(key) if key.type == "string" else node_text(key)
                pairs.setdefault(name, []).append(value)
        stack.extend(node.named_children)

    def strings(node) -> list[tuple[str | None, str]]:
        literal = string_value(node)
        if literal is not None:
            return [(None, literal)]
        if node.type == "array":
            return [(None, s) for s in (string_value(c) for c in node.named_children) if s is not None]
        if node.type == "object":  # { index: './src/lambda.ts' }
            found = []
            for pair in node.named_children:
                if pair.type == "pair":
                    key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    name = string_value(key) if key is not None and key.type == "string" else node_text(key)
                    literal = string_value(value)
                    if name and literal:
                        found.append((name, literal))
            return found
        return []

    outfile = next((string_value(v) for v in pairs.get("outfile", []) if string_value(v)), None)
    filename = next((string_value(v) for v in pairs.get("filename", []) if string_value(v)), None)
    entries: list[tuple[str | None, str]] = []
    for value in pairs.get("entryPoints", []):
        entries.extend(strings(value))
    webpack = not entries
    for value in pairs.get("entry", []) if webpack else []:
        entries.extend(strings(value))
    for name, entry in entries:
        if webpack:
            if name is not None:
                output = name if filename is None or "[name]" in filename else _stem(filename)
            else:
                output = _stem(filename) if filename and "[name]" not in filename else "main"
        else:
            output = name or (_stem(outfile) if outfile and len(entries) == 1 else _stem(entry))
        yield entry, output


# --- the one exported function of that name
BUILD_TOOLS = ("esbuild", "webpack", "ncc", "tsup", "rollup", "tsc", "babel", "parcel", "swc", "vite", "bun build")


def _builds(package: Path) -> bool:
    if (package / "tsconfig.json").is_file():
        return True
    document = _package_json(package)
    scripts = document.get("scripts")
    commands = " ".join(v for v in scripts.values() if isinstance(v, str)) if isinstance(scripts, dict) else ""
    dependencies = set()
    for field in ("dependencies", "devDependencies"):
        if isinstance(document.get(field), dict):
            dependencies.update(document[field])
    return any(tool in commands for tool in BUILD_TOOLS) or any(
        name in dependencies for name in ("esbuild", "webpack", "@vercel/ncc", "tsup", "rollup", "typescript", "@swc/core")
    )


def _only_export(package: Path, export_name: str) -> Path | None:
    from lambda_leak.source import SourceText, language_for
    from lambda_leak.workspace.entries import module_entries
    from lambda_leak.workspace.summary import parse_module

    needle = export_name.encode("utf-8")
    word = _word(needle)
    matches: list[Path] = []
    for path in _source_files(package):
        try:
            if path.stat().st_size > _MAX_FILE_SIZE:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if needle not in data or (export_name != "default" and word.search(data) is None):
            continue  # parsed only where the name stands alone (`handler`, not just in `handler42`)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        language = language_for(path.name)
        if language is None:
            continue
        entries = module_entries(parse_module(SourceText(str(path), text, language)))
        if (export_name, None) in entries.functions:
            matches.append(path)
            if len(matches) > 1:
                return None
    return matches[0] if matches else None


def _word(name: bytes) -> re.Pattern:
    """`name` with no ASCII identifier character before or after it: a file whose function
    entries include `name` spells it so (an identifier, a property or a quoted key), since an
    identifier takes in every such character next to it. Only "default" needs no spelling
    (`module.exports = fn`)."""
    return re.compile(rb"(?<![A-Za-z0-9_$])" + re.escape(name) + rb"(?![A-Za-z0-9_$])")


def _source_files(folder: Path) -> Iterator[Path]:
    scanned = 0
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name not in SKIPPED_FOLDERS and not name.startswith("."):
                    stack.append(Path(entry.path))
                continue
            if not name.endswith(SOURCE_EXTENSIONS) or name.endswith((".d.ts", ".d.mts", ".d.cts")):
                continue
            if ".test." in name or ".spec." in name:
                continue
            scanned += 1
            if scanned > _MAX_SCANNED_FILES:
                return
            yield Path(entry.path)
