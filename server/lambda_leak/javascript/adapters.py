"""Third-party functions that build a Lambda handler, and the `length` of what they return.

The Node.js 24 runtime refuses a handler whose `length` is 3 or more, so a handler built by a
package is only as good as the version installed. Each row below was measured, not guessed:
every listed version was installed from the npm registry into a scratch folder, the factory was
called with a stand-in app or handler, and the returned function's `length` printed (Node.js 20);
where a version could not be loaded that way its published source was read. docs/adapters.md
keeps the table with the versions checked.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

Version = tuple[int, int, int]


@dataclass(frozen=True)
class Adapter:
    package: str
    call: str  # how the handler is made, for messages: "serverlessExpress({ app })"
    factory: str  # the imported name that makes it: "default", "handle", or "toHandler" (a method)
    fixed_in: Version | None  # first version whose handler has length < 3; None: none of its versions
    upgrade: str  # what to tell the user
    passthrough_through: Version | None = None  # the last measured version whose handler keeps the
    # wrapped function's own length (later ones may not: the project must pin one of these)
    handler_member: bool = False  # some versions return `{ handler, … }`: `factory(…).handler` is the handler


ADAPTERS: tuple[Adapter, ...] = (
    Adapter("@codegenie/serverless-express", "serverlessExpress({ app })", "default", (5, 0, 0),
            "upgrade to @codegenie/serverless-express 5.0.0"),
    Adapter("@vendia/serverless-express", "serverlessExpress({ app })", "default", None,
            "move to @codegenie/serverless-express 5.0.0 (every @vendia/serverless-express 4.x handler takes a callback)",
            handler_member=True),  # 4.1.0 returns `{ proxy, handler, log }`
    Adapter("@fastify/aws-lambda", "awsLambdaFastify(app)", "default", (6, 0, 0), "upgrade to @fastify/aws-lambda 6.0.0"),
    Adapter("@slack/bolt", "AwsLambdaReceiver#toHandler()", "toHandler", (5, 0, 0), "upgrade to @slack/bolt 5.0.0"),
    Adapter("@middy/core", "middy(handler)", "default", (2, 0, 0), "upgrade to @middy/core 2.0.0 or later"),
    Adapter("@instana/aws-lambda", "instana.wrap(handler)", "wrap", None, "", passthrough_through=(2, 0, 0)),
)
# Measured and safe in every version checked (the returned `length` is below 3 whatever is wrapped):
# serverless-http (1), hono/aws-lambda `handle` (2), @sentry/aws-serverless `wrapHandler` (2),
# datadog-lambda-js `datadog` (2, then 0). aws-serverless-express returns no handler: your own
# handler calls `proxy(server, event, context)`, and its declared parameters are what count.

_BY_PACKAGE = {adapter.package: adapter for adapter in ADAPTERS}
_VERSION = re.compile(r"v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?")


def adapter_for(module_name: str) -> Adapter | None:
    return _BY_PACKAGE.get(module_name)


def _version(text: str) -> Version | None:
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    parts = [int(p) if p and p.isdigit() else 0 for p in match.groups()]
    return parts[0], parts[1], parts[2]


def _exclusive_ceiling(spec: str) -> Version | None:
    """The lowest version a package.json range cannot reach, or None when it is unbounded or not understood."""
    spec = spec.strip()
    if not spec or spec in ("*", "latest", "x") or "||" in spec or ":" in spec or "/" in spec:
        return None
    if re.fullmatch(r"=?v?\d+\.\d+\.\d+(-[\w.]+)?", spec):
        major, minor, patch = _version(spec.lstrip("="))
        return major, minor, patch + 1
    if spec.startswith("^"):
        major, minor, patch = _version(spec[1:]) or (0, 0, 0)
        return (major + 1, 0, 0) if major else ((0, minor + 1, 0) if minor else (0, 0, patch + 1))
    if spec.startswith("~"):
        major, minor, _ = _version(spec[1:]) or (0, 0, 0)
        return major, minor + 1, 0
    wildcard = re.fullmatch(r"(\d+)(?:\.(\d+))?(?:\.[x*])?|(\d+)\.[x*](?:\.[x*])?", spec)
    if wildcard:
        numbers = [int(n) for n in re.findall(r"\d+", spec)]
        return (numbers[0] + 1, 0, 0) if len(numbers) == 1 else (numbers[0], numbers[1] + 1, 0)
    below = re.search(r"<\s*(=?)\s*v?(\d+(?:\.\d+){0,2})", spec)
    if below:
        major, minor, patch = _version(below.group(2))
        return (major, minor, patch + 1) if below.group(1) else (major, minor, patch)
    return None


@dataclass(frozen=True)
class Installed:
    version: str  # as found: "4.17.1", or the package.json range "^4.6.0"
    source: str  # the file that says so: "package-lock.json", "package.json"


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(8 * 1024 * 1024)
    except (OSError, UnicodeDecodeError):
        return None


def _parse_json(path: str) -> object:
    text = _read(path)
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


# (path, reader) -> (stamp, value): package.json, lock files; one entry per file, read again when its
# stamp changes (a lock file can be megabytes, and an adapter's handler file asks on every edit)
_KNOWN: dict[tuple[str, object], tuple[tuple[int, int], object]] = {}


def _value(path: Path, reader):
    try:
        stat = path.stat()
    except OSError:
        return None
    name, stamp = str(path), (stat.st_mtime_ns, stat.st_size)
    known = _KNOWN.get((name, reader))
    if known is not None and known[0] == stamp:
        return known[1]
    value = reader(name)
    if len(_KNOWN) >= 256:
        _KNOWN.clear()
    _KNOWN[(name, reader)] = (stamp, value)
    return value


def _text(path: Path) -> str | None:
    return _value(path, _read)


def _json(path: Path) -> object:
    """The file's JSON value, None when unreadable or not JSON (callers only read it)."""
    return _value(path, _parse_json)


def _declared_range(folder: Path, package: str) -> str | None:
    data = _json(folder / "package.json")
    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        deps = data.get(section) if isinstance(data, dict) else None
        if isinstance(deps, dict) and isinstance(deps.get(package), str):
            return deps[package]
    return None


def _locked_version(folder: Path, package: str) -> Installed | None:
    data = _json(folder / "package-lock.json")
    if isinstance(data, dict):
        entry = (data.get("packages") or {}).get(f"node_modules/{package}") or (data.get("dependencies") or {}).get(package)
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            return Installed(entry["version"], "package-lock.json")
    text = _text(folder / "yarn.lock")
    if text is not None:
        quoted = re.escape(package)
        match = re.search(rf'^"?{quoted}@[^\n]*:\n(?:[ \t]+[^\n]*\n)*?[ \t]+version:?\s+"?([\w.\-+]+)"?', text, re.MULTILINE)
        if match:
            return Installed(match.group(1), "yarn.lock")
    text = _text(folder / "pnpm-lock.yaml")
    if text is not None:
        match = re.search(rf"^\s+['\"]?/?{re.escape(package)}[@/](\d+\.\d+\.\d+[\w.\-]*)", text, re.MULTILINE)
        if match:
            return Installed(match.group(1), "pnpm-lock.yaml")
    return None


def installed(source_path: str, package: str) -> Installed | None:
    """The version of `package` the project pins for this file: the lock file's, else package.json's range.
    Looks in the nearest package.json that lists the package, and for a lock file there or above it."""
    folder = Path(os.path.abspath(source_path)).parent
    for candidate in (folder, *folder.parents):
        spec = _declared_range(candidate, package)
        if spec is None:
            continue
        for lock_folder in (candidate, *candidate.parents):
            locked = _locked_version(lock_folder, package)
            if locked is not None:
                return locked
            if os.path.exists(lock_folder / ".git"):  # the repository root: no lock file above it
                break
        return Installed(spec, "package.json")
    return None


def affected(adapter: Adapter, found: Installed) -> bool:
    """Does every version the project can install return a handler of length ≥ 3?"""
    if adapter.passthrough_through is not None:
        return False
    if adapter.fixed_in is None:
        return True
    if found.source != "package.json":
        version = _version(found.version)
        return version is not None and version < adapter.fixed_in and "-" not in found.version
    ceiling = _exclusive_ceiling(found.version)
    return ceiling is not None and ceiling <= adapter.fixed_in


def passes_length_on(adapter: Adapter, found: Installed | None) -> bool:
    """Does the pinned version hand the runtime a function with the wrapped handler's own length?"""
    if adapter.passthrough_through is None or found is None:
        return False
    exact = found.version if found.source != "package.json" else found.version.lstrip("=v")
    version = _version(exact) if re.fullmatch(r"\d+\.\d+\.\d+", exact) else None
    return version is not None and version <= adapter.passthrough_through
