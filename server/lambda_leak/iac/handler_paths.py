"""Turning a handler string into the file and export the Lambda runtime would load.

Node (the runtime's UserFunction.js): the basename of the handler is split at its FIRST dot:
`src/h/app.nested.fn` → module `src/h/app`, export path `nested.fn`; the module is tried
extensionless, `.js`, `.mjs`, `.cjs`; we then try TypeScript sources for bundled builds.
Python (bootstrap.py): split at the LAST dot: `pkg.mod.fn` → module `pkg.mod` → `pkg/mod.py`
(or `pkg/mod/__init__.py`); slashes in the module part act as dots."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

NODE_EXTENSIONS = (".js", ".mjs", ".cjs")
TS_EXTENSIONS = (".ts", ".mts", ".cts", ".tsx")
NODE_SOURCE_EXTENSIONS = NODE_EXTENSIONS + TS_EXTENSIONS + (".jsx",)

# Runtimes whose code lambda-leak does not read: their declarations are not reported.
OTHER_LANGUAGE_PREFIXES = ("java", "dotnet", "go", "provided", "ruby")


@dataclass(frozen=True)
class Resolved:
    source_file: Path | None
    export_path: str
    export_name: str
    how: str = ""  # set when the handler names a built file and this is its source


def runtime_family(runtime: str | None) -> str | None:
    """'node', 'python', 'other', or None when the runtime is not declared (or not understood)."""
    if not runtime:
        return None
    lowered = runtime.lower()
    if lowered.startswith("nodejs"):
        return "node"
    if lowered.startswith("python"):
        return "python"
    if lowered.startswith(OTHER_LANGUAGE_PREFIXES):
        return "other"
    return None


def split_node(handler: str) -> tuple[str, str]:
    """(module path, export path) the way the Node runtime splits a handler string."""
    slash = max(handler.rfind("/"), handler.rfind("\\"))
    directory, base = handler[: slash + 1], handler[slash + 1 :]
    module, _, export_path = base.partition(".")
    return directory + module, export_path


def split_python(handler: str) -> tuple[str, str]:
    module, _, function = handler.rpartition(".")
    return module, function


def join(base: Path, relative: str) -> Path:
    """`base / relative`, normalised (`..` folded) without resolving symlinks."""
    return Path(_joined(base, relative))


def _joined(base: str | Path, relative: str) -> str:
    """`join` as a string: the lookups below try several names per handler, each a stat, and a
    Path per name costs more than its stat."""
    return os.path.normpath(os.path.join(base, relative.replace("\\", "/")))


def node_module_file(base: Path, module: str, extensions: tuple[str, ...] = NODE_SOURCE_EXTENSIONS) -> Path | None:
    found = _node_module_name(_joined(base, module), extensions)
    return None if found is None else Path(found)


def _node_module_name(stem: str, extensions: tuple[str, ...]) -> str | None:
    if _suffix(os.path.basename(stem)) in NODE_SOURCE_EXTENSIONS and os.path.isfile(stem):
        return stem  # extensionless lookup of a name that already carries an extension
    for extension in extensions:
        if os.path.isfile(stem + extension):
            return stem + extension
    if os.path.isdir(stem):  # require() of a folder: its index file
        for extension in extensions:
            candidate = os.path.join(stem, f"index{extension}")
            if os.path.isfile(candidate):
                return candidate
    return None


def _suffix(name: str) -> str:
    """`Path(name).suffix`: from the last dot, unless the name starts or ends with it."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


BUILD_FOLDERS = frozenset({"dist", "build", "out", ".build"})


def source_of_build_output(base: Path, module: str) -> Path | None:
    """TypeScript (or Babel) projects deploy compiled output: `CodeUri: dist/` with `Handler:
    handlers/app.main` runs dist/handlers/app.js, compiled from src/handlers/app.ts (outDir dist,
    rootDir src) or from handlers/app.ts (rootDir .). The source is what lambda-leak should read."""
    return _source_of_built(_joined(base, module))


def _source_of_built(joined: str) -> Path | None:
    """`source_of_build_output` of the module's joined path."""
    if BUILD_FOLDERS.isdisjoint(joined.split(os.sep)):
        return None  # the common case, told without a Path
    parts = Path(joined).parts
    build = max((i for i, part in enumerate(parts) if part in BUILD_FOLDERS), default=None)
    if build is None:
        return None
    before, after = parts[:build], parts[build + 1 :]
    for candidate in (Path(*before, "src", *after), Path(*before, *after)):
        found = node_module_file(candidate.parent, candidate.name, TS_EXTENSIONS + NODE_EXTENSIONS)
        if found is not None:
            return found
    return None


def python_module_file(base: Path, module: str) -> Path | None:
    if not module:
        return None
    relative = module.replace("\\", "/").replace("/", ".").strip(".").replace(".", "/")
    if not relative:
        return None
    for candidate in (_joined(base, relative + ".py"), os.path.join(_joined(base, relative), "__init__.py")):
        if os.path.isfile(candidate):
            return Path(candidate)
    return None


def resolve(handler: str, base: Path | None, family: str | None) -> Resolved:
    """Resolve `handler` against the code folder `base` (None: code is not on disk, e.g. S3 or inline).

    With no declared runtime, Node is tried first, then Python; the names follow whichever matched
    (Node when neither did)."""
    if family == "python":
        return _python_resolved(handler, base) or _python_names(handler)
    node_module, node_path = split_node(handler)
    node_export = node_path.split(".", 1)[0]
    if base is not None:
        stem = _joined(base, node_module)  # once for both look-ups
        built = _source_of_built(stem)
        if built is not None:
            how = f"{os.path.basename(node_module)}.js built from {built.name} via the compiled output folder"
            return Resolved(built, node_path, node_export, how)
        found = _node_module_name(stem, NODE_SOURCE_EXTENSIONS)
        if found is not None:
            return Resolved(Path(found), node_path, node_export)
        if family is None:
            python = _python_resolved(handler, base)
            if python is not None:
                return python
    return Resolved(None, node_path, node_export)


def _python_resolved(handler: str, base: Path | None) -> Resolved | None:
    """The Python module file of `handler` under `base`, with its names; None when not found."""
    module, function = split_python(handler)
    file = python_module_file(base, module) if base is not None else None
    return None if file is None else Resolved(file, function, function)


def _python_names(handler: str) -> Resolved:
    function = split_python(handler)[1]
    return Resolved(None, function, function)


def resolve_entry_points(handler: str, base: Path, entry_points: list[str]) -> Resolved | None:
    """SAM esbuild builds: the handler names the bundle esbuild writes for an entry point.

    esbuild drops the longest common folder of all entry points (for one entry point, its whole
    folder), so `EntryPoints: [src/app.ts]` builds `app.js` and `Handler: app.handler` means src/app.ts."""
    module, export_path = split_node(handler)
    entries = [os.path.normpath(e.replace("\\", "/")) for e in entry_points if isinstance(e, str) and e.strip()]
    if not entries:
        return None
    folders = [os.path.dirname(e) for e in entries]
    common = os.path.commonpath(folders) if all(folders) else ""
    wanted = os.path.normpath(module)
    for entry in entries:
        stem = os.path.splitext(entry)[0]
        output = os.path.relpath(stem, common) if common else stem
        if os.path.normpath(output) == wanted or os.path.normpath(stem) == wanted:
            file = join(base, entry)
            if not file.suffix:
                found = node_module_file(base, entry)
                file = found if found is not None else file
            if file.is_file():
                how = f"{os.path.basename(module)}.js built from {entry} via esbuild EntryPoints"
                return Resolved(file, export_path, export_path.split(".", 1)[0], how)
    return None
