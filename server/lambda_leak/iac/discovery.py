"""Walking a project for deployment files and resolving the handlers they declare.

Cheap first: files are picked by name and extension, then kept only if their bytes contain a
marker (`AWS::Serverless::Function`, `aws-cdk`, …); only those are parsed. A file that does not
parse is logged and skipped — discovery never raises for a user's file."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lambda_leak.files import read_bytes, read_status_and_bytes, walk_names
from lambda_leak.iac import cdk_js, cdk_python, pulumi, serverless, sst, templates, terraform
from lambda_leak.iac.bundles import trace_build
from lambda_leak.iac.cfn_yaml import load_json, load_template, load_yaml
from lambda_leak.iac.handler_paths import resolve, resolve_entry_points, runtime_family
from lambda_leak.iac.model import Declaration, DeclaredHandler

log = logging.getLogger("lambda_leak.iac")

MAX_FILE_SIZE = 5 * 1024 * 1024
TEMPLATE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".template"})
# A function resource's `Type` key, in YAML (block or flow, quoted or not) or JSON: cheaper than
# parsing, and it tells templates from files that only mention the type (vendored API models).
_FUNCTION_TYPE = re.compile(rb"""Type["']?[ \t]*:\s*["']?AWS::(?:Serverless|Lambda)::Function\b""")
NOT_TEMPLATES = frozenset({"package.json", "package-lock.json", "tsconfig.json", "cdk.json", "cdk.context.json", "pnpm-lock.yaml"})
JS_SUFFIXES = frozenset({".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"})
TERRAFORM_SUFFIX = ".tf"
JS_PROGRAM_MARKERS = (b"@pulumi/aws", b"sst.aws.", b"sst/constructs")


def discover(root: Path) -> list[DeclaredHandler]:
    """Every Node.js or Python handler the deployment files under `root` declare, in file order."""
    return HandlerDiscovery().discover(root)


class HandlerDiscovery:
    """`discover` that remembers what each file declared while its size and mtime stay the same, so a
    long-lived process (the language server) re-parses only the deployment files that changed.
    Handler strings are resolved again on every call: the files they name may have appeared since."""

    def __init__(self) -> None:
        self._read_cache: dict[str, tuple[tuple[int, int], Path, list[Declaration]]] = {}
        self.listings: dict | None = None  # folder listings of the current run, when the caller has them
        # The candidates walked with those listings, per root, until `discover` reads them: a walk
        # over the same listings finds the same files (`Workspace.deployment_candidates`, then this).
        self._walked_in: dict | None = None
        self._walks: dict[str, list[str]] = {}

    def discover(self, root: Path, readings: dict[str, "Reading | Stamp"] | None = None) -> list[DeclaredHandler]:
        """`readings`: candidate files already read elsewhere (`read_candidates`, in worker processes),
        by name; the others are read here."""
        root = Path(root).resolve()
        found: list[DeclaredHandler] = []
        resolve = _resolver(self.listings)
        names = self.candidates(root)
        self._walks.pop(str(root), None)
        if not self._walks:
            self._walked_in = None  # nothing left to reuse: the listings are not kept alive
        for name in names:
            reading = readings.get(name) if readings is not None else None
            if type(reading) is tuple:  # the stamp of a file that declares nothing (`read_candidates`)
                self._keep(name, root, reading, [], True)
                continue
            if reading is not None:
                self._keep(name, root, reading.stamp, reading.declarations, reading.cacheable)
                found.extend(reading.handlers)
                continue
            declarations = self._declarations(name, root)
            if declarations:  # most candidates declare nothing
                found.extend(resolve(declarations, root))
        terraform.start_discovery()  # its state, and the listings, are not kept alive past this pass
        return found

    def candidates(self, root: Path) -> list[str]:
        """The files under `root` (absolute and resolved) that may declare handlers, in walk order."""
        listings, name = self.listings, str(root)
        if listings is None:
            return list(walk_names(name, _is_candidate, None))
        if self._walked_in is not listings:
            self._walked_in, self._walks = listings, {}
        if name not in self._walks:
            self._walks[name] = list(walk_names(name, _is_candidate, listings))
        return list(self._walks[name])

    def remembered(self) -> dict:
        """What was read, per deployment file and its stamp: to keep between runs (the CLI's cache)."""
        return dict(self._read_cache)

    def remember(self, entries: dict) -> None:
        self._read_cache.update(entries)

    def declared_handlers_by_file(self, root: Path) -> dict[Path, set[str]]:
        return _by_file(self.discover(root))

    def _declarations(self, path: str, root: Path) -> list[Declaration]:
        cached = self._read_cache.get(path)
        stamp, declarations, cacheable = read_declarations(path, root, cached)
        self._keep(path, root, stamp, declarations, cacheable)
        return declarations

    def _keep(self, path: str, root: Path, stamp: tuple[int, int] | None, declarations: list[Declaration],
              cacheable: bool) -> None:
        if stamp is None:
            return  # not found: what was known of it stays
        if cacheable:
            self._read_cache[path] = (stamp, root, declarations)
        else:
            self._read_cache.pop(path, None)


Stamp = tuple[int, int]  # (size, mtime) of a file


@dataclass(frozen=True)
class Reading:
    """One candidate file read in another process: what `HandlerDiscovery` keeps of it, and the
    handlers its declarations resolve to."""

    stamp: tuple[int, int] | None  # (size, mtime); None: the file could not be found
    declarations: list[Declaration]
    cacheable: bool
    handlers: list[DeclaredHandler]


def read_declarations(path: str, root: Path, cached: tuple | None = None, data: bytes | None = None,
                      status: os.stat_result | None = None) -> tuple[tuple[int, int] | None, list[Declaration], bool]:
    """(stamp, what `path` declares, whether that may be cached); `cached` (a `HandlerDiscovery`
    entry) answers while the stamp and root are the same; `data`: the file's bytes, when the caller
    has them already, and `status` the fstat taken when they were read (else a stat here)."""
    if cached is None and data is not None and status is not None:
        declarations, cacheable = _read(path, root, status.st_size, data)
        return (status.st_size, status.st_mtime_ns), declarations, cacheable and _whole(data, status)
    if cached is None and data is None:
        try:
            status, data = read_status_and_bytes(path, MAX_FILE_SIZE)  # one open: no stat first
        except OSError:
            pass  # missing or not readable: the stat and read below tell which, and log why
        else:
            declarations, cacheable = _read(path, root, status.st_size, data)
            return (status.st_size, status.st_mtime_ns), declarations, cacheable and _whole(data, status)
    try:
        status = os.stat(path)
    except OSError:
        return None, [], False
    stamp = (status.st_size, status.st_mtime_ns)
    if cached is not None and cached[0] == stamp and cached[1] == root:
        return stamp, cached[2], True
    declarations, cacheable = _read(path, root, status.st_size, data)
    return stamp, declarations, cacheable and _whole(data, status)


def _whole(data: bytes | None, status: os.stat_result) -> bool:
    """Whether bytes read around a stat are what the stat's stamp describes: a file that changed in
    between has a stamp that must not keep the answer."""
    return data is None or len(data) == status.st_size


def read_candidates(names: list[tuple[str, Path]], data: dict[str, tuple[os.stat_result, bytes]] | None = None,
                    ) -> dict[str, Reading | Stamp]:
    """The reading step of `discover`, for some of its candidates (name, resolved root), anywhere
    (a worker process): each file read and resolved, as `discover` does. `data`: the status and
    bytes of some of them, already read (`files.read_source_status_and_bytes`).
    `HandlerDiscovery.discover(root, readings)` puts them together. A file
    that declares nothing, for good, is answered by its stamp alone: most candidates are such
    files, and their answers are sent back to the parent (on the generated tree, pickling the
    readings took 17 ms with a `Reading` each, 9 ms so)."""
    resolve = _resolver()
    readings: dict[str, Reading | Stamp] = {}
    for name, root in names:
        try:
            status, read = data.get(name, (None, None)) if data else (None, None)
            stamp, declarations, cacheable = read_declarations(name, root, None, read, status)
            if not declarations and cacheable and stamp is not None:
                readings[name] = stamp
            else:  # declarations that may not be cached are not kept: not sent either
                readings[name] = Reading(stamp, declarations if cacheable else [], cacheable, resolve(declarations, root))
        except Exception:  # noqa: BLE001 - left unread: `discover` reads it itself and reports its problem there
            continue
    return readings


def _resolver(listings: dict | None = None):
    """Declarations to the handlers they name, for one discovery pass: the bundler answers are shared
    by the handlers of one package, Terraform's state starts afresh (`listings`: the folder listings
    of this pass's walk, for Terraform's walk to its modules' callers)."""
    builds: dict = {}
    terraform.start_discovery(listings)
    return lambda declarations, root: [h for h in (_resolve(d, root, builds) for d in declarations) if h is not None]


def declared_handlers_by_file(root: Path) -> dict[Path, set[str]]:
    """Source file → export names the deployment calls as handlers (files not on disk left out)."""
    return _by_file(discover(root))


def _by_file(handlers: list[DeclaredHandler]) -> dict[Path, set[str]]:
    by_file: dict[Path, set[str]] = {}
    for handler in handlers:
        if handler.source_file is not None and handler.export_name:
            by_file.setdefault(handler.source_file, set()).add(handler.export_name)
    return by_file


def _is_candidate(name: str) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in TEMPLATE_SUFFIXES and suffix not in JS_SUFFIXES and suffix not in (".py", TERRAFORM_SUFFIX):
        return False
    return name not in NOT_TEMPLATES and not name.endswith((".d.ts", ".d.mts", ".d.cts"))


def _read(name_: str, root: Path, size: int, data: bytes | None = None) -> tuple[list[Declaration], bool]:
    """What the file declares, and whether that answer depends on this file alone (cacheable).
    Strings until a file is known to matter: most candidates are dismissed by their bytes
    (`data`, when the caller has read them)."""
    if size > MAX_FILE_SIZE:
        return [], True
    try:
        if data is None:
            data = read_bytes(name_, size)
    except OSError as error:
        log.info("lambda-leak: %s: cannot read: %s", name_, error)
        return [], False
    name = os.path.basename(name_)
    dot = name.rfind(".")  # os.path.splitext's answer, without its call for each of thousands of files
    suffix = name[dot:].lower() if dot > 0 and name[0] != "." else os.path.splitext(name)[1].lower()
    if not _may_declare(name, suffix, data):
        return [], True
    path = Path(name_)
    try:
        if name in serverless.SERVERLESS_FILE_NAMES:
            # `${file(...)}` pulls in other files, whose changes this file's mtime does not show
            return serverless.declarations(_load(data, suffix), path), b"${file(" not in data
        if suffix in TEMPLATE_SUFFIXES:
            return templates.declarations(_load(data, suffix, template=True), path), True
        if suffix == TERRAFORM_SUFFIX:
            return terraform.declarations(path, root), False  # locals, variables, tfvars and callers: other files
        if suffix in JS_SUFFIXES and any(marker in data for marker in JS_PROGRAM_MARKERS):
            return _js_program(path, data, root), False  # paths resolve against the project folder
        if suffix in JS_SUFFIXES:
            if _compiled_from_typescript(path):
                return [], False
            # CDK paths resolve against the app folder and the default entry looks for sibling files
            return cdk_js.declarations(_text(data), path, _app_dir(path, root)), False
        # only Python stacks are left here (`_may_declare` lets no other suffix through)
        if b"pulumi_aws" in data:
            return pulumi.python_declarations(_text(data), path, _project_dir(path, root, "Pulumi.yaml")), False
        return cdk_python.declarations(_text(data), path, _app_dir(path, root)), False
    except (yaml.YAMLError, ValueError, SyntaxError, RecursionError) as error:
        log.warning("lambda-leak: %s: skipped, cannot parse: %s", path, _first_line(error))
        return [], True


def _may_declare(name: str, suffix: str, data: bytes) -> bool:
    """Whether a candidate's bytes hold what its reader looks for: the markers each kind of file
    cannot declare a function without (most candidates are dismissed here, unparsed)."""
    if name in serverless.SERVERLESS_FILE_NAMES:
        return b"functions" in data
    if suffix in TEMPLATE_SUFFIXES:  # `in` first: a memchr scan, where `re` steps through every byte
        return b"::Function" in data and _FUNCTION_TYPE.search(data) is not None
    if suffix == TERRAFORM_SUFFIX:
        return any(marker in data for marker in terraform.MARKERS)
    if suffix in JS_SUFFIXES:
        return any(marker in data for marker in JS_PROGRAM_MARKERS) or (b"aws-cdk" in data and b"Function" in data)
    if suffix == ".py":  # both Pulumi and the CDK declare functions with a `…Function` class
        return b"Function" in data and (b"pulumi_aws" in data or b"aws_cdk" in data)
    return False


def _js_program(path: Path, data: bytes, root: Path) -> list[Declaration]:
    """Pulumi programs and SST apps written in TypeScript or JavaScript."""
    if _compiled_from_typescript(path):
        return []
    if b"@pulumi/aws" in data:
        return pulumi.js_declarations(_text(data), path, _project_dir(path, root, "Pulumi.yaml")) if b"Function" in data else []
    app = sst.app_dir(path, root)
    if app is None:
        return []  # sst.aws.* outside an SST app: nothing to resolve paths against
    return sst.declarations(_text(data), path, app) if b"sst.aws." in data else sst.v2_declarations(_text(data), path, app)


def _compiled_from_typescript(path: Path) -> bool:
    """`tsc` in a CDK app writes lib/stack.js beside lib/stack.ts: read the source only, once."""
    if path.suffix.lower() not in (".js", ".mjs", ".cjs"):
        return False
    stem = path.with_suffix("")
    return any(stem.with_name(stem.name + ext).is_file() for ext in (".ts", ".mts", ".cts", ".tsx"))


def _load(data: bytes, suffix: str, template: bool = False):
    text = _text(data)
    # `.template` files are either; JSON is told by its first character (tabs need load_json).
    if suffix == ".json" or text.lstrip().startswith("{"):
        return load_json(text, template)
    return load_template(text) if template else load_yaml(text)


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")  # UnicodeDecodeError is a ValueError: logged and skipped


def _first_line(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


def _app_dir(stack_file: Path, root: Path) -> Path:
    """The CDK app's working folder: the nearest folder with cdk.json, up to `root`."""
    return _project_dir(stack_file, root, "cdk.json")


def _project_dir(stack_file: Path, root: Path, marker: str) -> Path:
    """The nearest folder with `marker` (cdk.json, Pulumi.yaml) above the file, up to `root`."""
    folder = stack_file.parent
    while True:
        if (folder / marker).is_file():
            return folder
        if folder == root or folder.parent == folder:
            return root if root.is_dir() else stack_file.parent
        folder = folder.parent


def _resolve(declaration: Declaration, root: Path, builds: dict | None = None) -> DeclaredHandler | None:
    family = declaration.family or runtime_family(declaration.runtime)
    if family == "other":
        return None  # Java, Go, .NET, Ruby, custom runtimes: not code lambda-leak reads
    if declaration.unresolved is not None:
        return DeclaredHandler(None, "", "", declaration.runtime, declaration.declared_in, declaration.line,
                               declaration.origin, unresolved=declaration.unresolved,
                               managed_instances=declaration.managed_instances)
    if declaration.entry is not None:
        source = declaration.entry if declaration.entry.is_file() else None
        export_path = declaration.handler
        resolved_export = export_path.split(".", 1)[0] if family == "node" else export_path
        return DeclaredHandler(source, export_path, resolved_export, declaration.runtime,
                               declaration.declared_in, declaration.line, declaration.origin,
                               managed_instances=declaration.managed_instances)
    resolved = None
    if declaration.entry_points and declaration.code_dir is not None and family != "python":
        resolved = resolve_entry_points(declaration.handler, declaration.code_dir, list(declaration.entry_points))
    if resolved is None:
        key = ("resolve", declaration.handler, declaration.code_dir, family)
        if builds is None or key not in builds:
            resolved = resolve(declaration.handler, declaration.code_dir, family)
            if builds is not None:
                builds[key] = resolved
        else:
            resolved = builds[key]
    if resolved.source_file is None and declaration.code_dir is not None and family != "python":
        resolved = trace_build(declaration.handler, declaration.code_dir, root, builds) or resolved  # a bundler's output
    how = resolved.how or (declaration.note if resolved.source_file is None else "")
    return DeclaredHandler(resolved.source_file, resolved.export_path, resolved.export_name, declaration.runtime,
                           declaration.declared_in, declaration.line, declaration.origin, how=how,
                           managed_instances=declaration.managed_instances)
