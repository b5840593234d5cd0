"""Relative module specifiers to files, the way Node and TypeScript find them.

`./x` tries the source extensions, then `./x/index.*` (and a folder's package.json `main`).
A `.js` specifier in a TypeScript file names the `.ts` source (`import './db.js'` → `db.ts`,
as `moduleResolution: node16/bundler` require); JavaScript prefers the `.js` file and falls
back to the TypeScript source (bundled builds). Nothing outside the file system is consulted.
"""

from __future__ import annotations

import json
import os
from typing import Callable

JS_EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx")
TS_EXTENSIONS = (".ts", ".tsx", ".mts", ".cts")
_TS_SOURCE_FOR = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_TS_ORDER = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_JS_ORDER = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")


def resolve_specifier(importer: str, specifier: str, is_file: Callable[[str], bool] = os.path.isfile) -> str | None:
    """The absolute path of the file `specifier` names from `importer` (an absolute path), or None."""
    if not specifier.startswith((".", "/")):
        return None
    base = os.path.normpath(os.path.join(os.path.dirname(importer), specifier))
    typescript = importer.endswith(TS_EXTENSIONS)
    for candidate in _candidates(base, typescript):
        if is_file(candidate):
            return candidate
    return _package_main(base, typescript, is_file)


def _candidates(base: str, typescript: bool) -> list[str]:
    stem, extension = os.path.splitext(base)
    order = _TS_ORDER if typescript else _JS_ORDER
    if extension in _TS_SOURCE_FOR:
        sources = [stem + ts for ts in _TS_SOURCE_FOR[extension]]
        return [*sources, base] if typescript else [base, *sources]
    if extension in TS_EXTENSIONS:
        return [base]
    # './x' or './x.service': extensions appended, then the folder's index file
    return [base + ext for ext in order] + [os.path.join(base, "index" + ext) for ext in order]


def _package_main(base: str, typescript: bool, is_file: Callable[[str], bool]) -> str | None:
    manifest = os.path.join(base, "package.json")
    if not is_file(manifest):
        return None
    try:
        with open(manifest, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    main = data.get("main") if isinstance(data, dict) else None
    if not isinstance(main, str) or not main:
        return None
    target = os.path.normpath(os.path.join(base, main))
    for candidate in _candidates(target, typescript):
        if is_file(candidate):
            return candidate
    return None
