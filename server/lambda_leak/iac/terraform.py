"""Terraform: `aws_lambda_function` resources and `terraform-aws-modules/lambda/aws` module blocks.

Parsed with tree-sitter-hcl, never run (no `terraform init`, no plan). Why that parser: it is the
HCL grammar compiled to C, measured at 0.6 ms for an 800-byte configuration where python-hcl2 (a
pure-Python Lark parser) took 430 ms — hundreds of .tf files would cost minutes; it also keeps
line numbers and recovers from syntax errors, and it is the parser family the engine already uses.
Only the top-level blocks read below are parsed, where the file's layout lets `hcl_blocks` find them.

A configuration is a folder: its `locals`, `variable` defaults (overridden by the values in
terraform.tfvars and *.auto.tfvars, which Terraform loads by itself) and `data "archive_file"`
blocks are shared by all its .tf files. Values are evaluated only as far as they are literal:
strings, numbers, lists, maps, templates, `local.`, `var.`, `each.key`/`each.value` of a literal
`for_each`, `path.module`, `toset`/`tolist`/`tomap`/`merge`/`lookup`/`concat`, the string functions
(`format` with `%s`, `join`, `element`, `coalesce`, `replace`, `trimsuffix`, …), `==`/`!=`/`!`/`&&`/`||`
and `? :`. Anything else is UNKNOWN, and a handler that depends on it is reported as unresolved,
never guessed.

A local module (`modules/lambda`) whose `aws_lambda_function` takes its handler or code from
`var.*` is evaluated once per `module` block that calls it (`source = "./modules/lambda"`, found
anywhere under the discovery root), with the caller's arguments; the handler is then reported
where the module is called. One level of calls is followed."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tree_sitter as ts
import tree_sitter_hcl

from lambda_leak.files import walk_names
from lambda_leak.iac import hcl_blocks
from lambda_leak.iac.handler_paths import join
from lambda_leak.iac.model import Declaration, one_line

log = logging.getLogger("lambda_leak.iac")

MARKERS = (b"aws_lambda_function", b"terraform-aws-modules/lambda", b"terraform-aws-lambda")
SHARED_MARKERS = (b"locals", b"variable", b"archive_file")  # what a sibling file must hold to matter
LAMBDA_MODULE_SOURCES = ("terraform-aws-modules/lambda/aws", "terraform-aws-modules/terraform-aws-lambda")
_MAX_DEPTH = 24
_CACHE_LIMIT = 4096

_LANGUAGE = ts.Language(tree_sitter_hcl.language())


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class _PartialMap(dict):
    """`merge(var.config, { handler = "index.x" })` with var.config unknown: the keys written after
    the unknown map are certain, any other key is UNKNOWN, and the map cannot be iterated."""


@dataclass(frozen=True)
class _Archive:
    """`data.archive_file.X.output_path`: a zip of `source_dir` (or of `source_file`)."""

    code_dir: Path | None


@dataclass
class _FileFacts:
    """What one .tf (or .tfvars) file contributes to its configuration."""

    tree: ts.Tree
    locals: dict[str, ts.Node] = field(default_factory=dict)
    variables: dict[str, ts.Node | None] = field(default_factory=dict)  # default value (None: no default)
    assignments: dict[str, ts.Node] = field(default_factory=dict)  # tfvars: name = value
    archives: dict[str, dict[str, ts.Node]] = field(default_factory=dict)
    functions: list[tuple[str, ts.Node]] = field(default_factory=list)  # ('resource' | 'module', block body)
    module_calls: list[tuple[str, ts.Node]] = field(default_factory=list)  # (local source, block body)
    error_line: int | None = None  # 0-based line of the first syntax error


# path → (size and mtime, facts or None when the markers asked for were missing, those markers)
_cache: dict[Path, tuple[tuple[int, int], _FileFacts | None, tuple]] = {}
_tf_files: dict[Path, list[tuple[Path, bytes]]] = {}  # discovery root → .tf files that call local modules
MODULE_META_ARGUMENTS = frozenset({"source", "version", "for_each", "count", "providers", "depends_on"})


_walk_listings: list[dict | None] = [None]  # the folder listings of the current discovery's walk, if any
# The .tf files under a root (as its walk lists them), when the process that walked it said so: a
# worker of `check` has no listings, and its own walk of a large tree cost more than its reading.
_known_tf_files: dict[str, list[str]] = {}


def know_tf_files(names_by_root: dict[str, list[str]]) -> None:
    """The .tf files under each root (in walk order), for `_callers` instead of a walk; {}: forget."""
    _known_tf_files.clear()
    _known_tf_files.update(names_by_root)


def tf_files(root: str, listings: dict | None = None) -> list[str]:
    """The .tf files `_callers` considers under `root`, in walk order."""
    return list(walk_names(root, _is_tf, listings))


def _is_tf(name: str) -> bool:
    return name.endswith(".tf")


def start_discovery(listings: dict | None = None) -> None:
    """A new discovery: the files that may call a module are listed again; `listings`: the folder
    listings of the walk that found the deployment files (see `files.walk_names`), to reuse."""
    _tf_files.clear()
    _walk_listings[0] = listings


def declarations(path: Path, root: Path | None = None) -> list[Declaration]:
    """Handlers declared by the .tf file `path`, evaluated with its whole folder's configuration
    (and, for a local module that takes them from its variables, with each caller's arguments)."""
    facts = _facts(path)
    if facts is None or not facts.functions:
        return []
    scope = _Scope(path.parent, _folder_facts(path.parent, path, facts))
    found: list[Declaration] = []
    for kind, body in facts.functions:
        attributes, blocks = _members(body)
        own = scope.declarations(kind, attributes, blocks, path)
        if root is not None and kind == "resource" and any(_incomplete(d) for d in own):
            own = _through_callers(path, root, scope, attributes, blocks) or own
        found.extend(own)
    return found


def _incomplete(declaration: Declaration) -> bool:
    return declaration.unresolved is not None or declaration.note.startswith("code folder unknown")


def _through_callers(path: Path, root: Path, child: _Scope, attributes, blocks) -> list[Declaration]:
    """The resource evaluated once per `module` block calling its folder, reported at the call."""
    found: list[Declaration] = []
    for caller_path, call in _callers(path.parent, root):
        caller_facts = _facts(caller_path)
        if caller_facts is None:
            continue
        caller = _Scope(caller_path.parent, _folder_facts(caller_path.parent, caller_path, caller_facts))
        arguments, _ = _members(call)
        line = call.parent.start_point[0] if call.parent is not None else call.start_point[0]
        instances = caller.instances(arguments)
        if instances is None:
            reason = f"for_each = {_shown(arguments['for_each'])} is not a literal map or set"
            found.append(Declaration("", None, None, caller_path, line, caller_path.name, unresolved=reason))
            continue
        for instance in instances:
            caller.each = instance
            given = {name: caller.value(node) for name, node in arguments.items() if name not in MODULE_META_ARGUMENTS}
            caller.each = None
            child.given = given
            try:
                for declaration in child.declarations("resource", attributes, blocks, path):
                    found.append(replace(declaration, declared_in=caller_path, line=line, origin=caller_path.name))
            finally:
                child.given = {}
    return found


def _callers(folder: Path, root: Path) -> list[tuple[Path, ts.Node]]:
    """`module` blocks under `root` whose local `source` is `folder`."""
    files = _tf_files.get(root)
    if files is None:  # once per discovery: the .tf files that may call a local module, with their bytes
        files = _tf_files[root] = []
        known = _known_tf_files.get(str(root))
        names = known if known is not None else tf_files(str(root), _walk_listings[0])
        for name in names:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if b"module" in data and b"./" in data:
                files.append((path, data))
    name = b"/" + folder.name.encode("utf-8")
    needles = (name + b'"', name + b'/"')  # a caller's `source = "…/lambda"` ends with the folder's name
    found = []
    for path, data in files:
        facts = _facts(path) if any(needle in data for needle in needles) else None
        for source, body in facts.module_calls if facts is not None else ():
            if join(path.parent, source) == folder:
                found.append((path, body))
    return found


# --- parsing, one file at a time (cached while its size and mtime stay the same)
def _facts(path: Path, wanted: tuple[bytes, ...] = (), every: bool = False) -> _FileFacts | None:
    """The file's facts; None when it cannot be read or holds none (`every`: not all) of the
    `wanted` markers — then it is not parsed. A syntax error is reported once, when the file is
    parsed (not again while it is unchanged)."""
    try:
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp and (cached[1] is not None or cached[2] == (wanted, every)):
            return cached[1]
        data = path.read_bytes()
    except OSError as error:
        log.info("lambda-leak: %s: cannot read: %s", path, error)
        return None
    if wanted and not (all if every else any)(marker in data for marker in wanted):
        if cached is None or cached[0] != stamp:
            _remember(path, (stamp, None, (wanted, every)))  # iam.tf, outputs.tf, …: not parsed
        return None
    facts = _parse(data, path.suffix == ".tfvars")
    if facts.error_line is not None:
        log.warning("lambda-leak: %s:%d: HCL syntax error; blocks that do not parse are skipped", path, facts.error_line + 1)
    _remember(path, (stamp, facts, ((), False)))
    return facts


def _remember(path: Path, entry: tuple) -> None:
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[path] = entry


def _parse(data: bytes, tfvars: bool) -> _FileFacts:
    ranges = None if tfvars else _read_ranges(data)
    tree = None
    if ranges:
        parser = ts.Parser(_LANGUAGE)
        parser.included_ranges = ranges
        tree = parser.parse(data)
    if tree is None or tree.root_node.has_error:
        tree = ts.Parser(_LANGUAGE).parse(data)  # the whole text decides: its recovery and its first error
    facts = _FileFacts(tree)
    root = tree.root_node
    if root.has_error:
        facts.error_line = _first_error_line(root)
    body = next((c for c in root.named_children if c.type == "body"), None)
    if body is None:
        return facts
    for node in body.named_children:
        if node.has_error:
            continue  # a block with a syntax error inside: its values cannot be trusted
        if node.type == "attribute" and tfvars:
            name, value = _attribute(node)
            facts.assignments[name] = value
        elif node.type == "block":
            _block(node, facts)
    return facts


def _read_by_parse(kind: bytes, labels: bytes) -> bool:
    """Whether `_parse` reads a top-level block of this kind and labels (`_block`'s cases)."""
    if kind in (b"locals", b"variable", b"module"):
        return True
    first = labels.split(None, 1)[0].strip(b'"') if labels.strip() else b""
    return (kind == b"data" and first == b"archive_file") or (kind == b"resource" and first == b"aws_lambda_function")


def _read_ranges(data: bytes) -> list[ts.Range] | None:
    """Where the blocks `_parse` reads are (`hcl_blocks.read_ranges`): on a real samples repository
    they are 30% of the bytes of the .tf files it parses."""
    return hcl_blocks.read_ranges(data, _read_by_parse)


def _block(node: ts.Node, facts: _FileFacts) -> None:
    kind, labels = _block_head(node)
    body = _block_body(node)
    if body is None:
        return
    attributes, _ = _members(body)
    if kind == "locals":
        facts.locals.update(attributes)
    elif kind == "variable" and len(labels) == 1:
        facts.variables[labels[0]] = attributes.get("default")
    elif kind == "data" and labels[:1] == ["archive_file"] and len(labels) == 2:
        facts.archives[labels[1]] = attributes
    elif kind == "resource" and labels[:1] == ["aws_lambda_function"]:
        facts.functions.append(("resource", body))
    elif kind == "module" and "source" in attributes:
        source = _string_literal(attributes["source"]) or ""
        if any(marker in source for marker in LAMBDA_MODULE_SOURCES):
            facts.functions.append(("module", body))
        elif source.startswith(("./", "../")):
            facts.module_calls.append((source, body))


def _first_error_line(root: ts.Node) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node.start_point[0]
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing or c.type == "ERROR"]))
    return root.start_point[0]


def _block_head(node: ts.Node) -> tuple[str, list[str]]:
    kind = ""
    labels: list[str] = []
    for child in node.named_children:
        if child.type == "identifier" and not kind:
            kind = _text(child)
        elif child.type == "string_lit":
            labels.append(_string_lit(child) or "")
        elif child.type == "identifier":
            labels.append(_text(child))
        elif child.type == "body":
            break
    return kind, labels


def _block_body(node: ts.Node) -> ts.Node | None:
    return next((c for c in node.named_children if c.type == "body"), None)  # none in an empty block `{}`


def _members(body: ts.Node) -> tuple[dict[str, ts.Node], dict[str, list[ts.Node]]]:
    """A body's attributes (name → expression) and nested blocks (type → bodies)."""
    attributes: dict[str, ts.Node] = {}
    blocks: dict[str, list[ts.Node]] = {}
    for child in body.named_children:
        if child.has_error:
            continue
        if child.type == "attribute":
            name, value = _attribute(child)
            attributes[name] = value
        elif child.type == "block":
            kind, _ = _block_head(child)
            inner = _block_body(child)
            if inner is not None:
                blocks.setdefault(kind, []).append(inner)
    return attributes, blocks


def _attribute(node: ts.Node) -> tuple[str, ts.Node]:
    name = node.named_children[0]
    value = node.named_children[-1]
    return _text(name), value


def _folder_facts(folder: Path, current: Path, current_facts: _FileFacts) -> list[_FileFacts]:
    """The facts of every .tf file in the folder, then the auto-loaded tfvars (which win)."""
    found = [current_facts]
    tfvars: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if name == current.name or not entry.is_file():
            continue
        if name.endswith(".tf"):
            facts = _facts(Path(entry.path), wanted=SHARED_MARKERS)
            if facts is not None:
                found.append(facts)
        elif name == "terraform.tfvars" or name.endswith(".auto.tfvars"):
            tfvars.append(Path(entry.path))
    tfvars.sort(key=lambda p: (p.name != "terraform.tfvars", p.name))  # Terraform's order: later ones win
    for path in tfvars:
        facts = _facts(path)
        if facts is not None:
            found.append(facts)
    return found


# --- evaluation
class _Scope:
    def __init__(self, folder: Path, facts: list[_FileFacts]) -> None:
        self.folder = folder
        self.locals: dict[str, ts.Node] = {}
        self.variables: dict[str, ts.Node | None] = {}
        self.archives: dict[str, dict[str, ts.Node]] = {}
        for item in facts:
            self.locals.update(item.locals)
            self.archives.update(item.archives)
            for name, default in item.variables.items():
                self.variables.setdefault(name, default)
        for item in facts:
            for name, value in item.assignments.items():
                self.variables[name] = value
        self.each: tuple[Any, Any] | None = None
        self.given: dict[str, Any] = {}  # a module call's arguments: they win over the variables' defaults
        self._active: set[int] = set()

    def instances(self, attributes: dict[str, ts.Node]) -> list[tuple[Any, Any] | None] | None:
        """One `each` per `for_each` entry ([None] without for_each); None when it is not literal."""
        if "for_each" not in attributes:
            return [None]
        each = self.value(attributes["for_each"])
        if isinstance(each, dict) and not isinstance(each, _PartialMap):
            return list(each.items())
        if isinstance(each, list) and all(isinstance(v, str) for v in each):
            return [(v, v) for v in each]
        return None

    # the declarations of one resource or module block
    def declarations(self, kind: str, attributes: dict[str, ts.Node], blocks: dict[str, list[ts.Node]], path: Path) -> list[Declaration]:
        handler_node = attributes.get("handler")
        image_command = self._image_command(kind, attributes, blocks)
        if handler_node is None and image_command is None:
            return []  # nothing names a handler (the module's default is none)
        line = (handler_node or image_command).start_point[0]  # type: ignore[union-attr]
        origin = path.name
        runtime = self.value(attributes["runtime"]) if "runtime" in attributes else None
        runtime = runtime if isinstance(runtime, str) and runtime else None
        instances = self.instances(attributes)
        if instances is None:
            reason = f"for_each = {_shown(attributes['for_each'])} is not a literal map or set"
            return [Declaration("", None, runtime, path, line, origin, unresolved=reason)]
        found = []
        for instance in instances:
            self.each = instance
            try:
                found.append(self._declaration(kind, attributes, handler_node, image_command, path, line))
            finally:
                self.each = None
        return found

    def _declaration(self, kind, attributes, handler_node, image_command, path: Path, line: int) -> Declaration:
        origin = path.name
        runtime = self.value(attributes["runtime"]) if "runtime" in attributes else None
        runtime = runtime if isinstance(runtime, str) and runtime else None
        if image_command is not None:
            command = self.value(image_command)
            handler = command[0] if isinstance(command, list) and command and isinstance(command[0], str) else None
            if handler is None:
                return Declaration("", None, runtime, path, line, origin, unresolved=f"command = {_shown(image_command)}")
            return Declaration(handler, None, runtime, path, line, origin, note="the code is in a container image")
        handler = self.value(handler_node)
        if not isinstance(handler, str) or not handler.strip():
            return Declaration("", None, runtime, path, line, origin, unresolved=f"handler = {_shown(handler_node)} is not known before deployment")
        code_dir = self._code_dir(kind, attributes)
        note = "" if code_dir is not None else self._no_code_note(kind, attributes)
        return Declaration(handler.strip(), code_dir, runtime, path, line, origin, note=note)

    def _no_code_note(self, kind: str, attributes: dict[str, ts.Node]) -> str:
        for name in ("filename", "source_path", "local_existing_package"):
            if name in attributes:
                return f"code folder unknown: {name} = {_shown(attributes[name])}"
        if "s3_bucket" in attributes:
            return "the code is in S3"
        return "no code folder declared"

    def _image_command(self, kind: str, attributes: dict[str, ts.Node], blocks: dict[str, list[ts.Node]]) -> ts.Node | None:
        if kind == "module":
            return attributes.get("image_config_command") if "handler" not in attributes else None
        if self.value(attributes.get("package_type")) != "Image":
            return None
        for body in blocks.get("image_config", []):
            inner, _ = _members(body)
            if "command" in inner:
                return inner["command"]
        return None

    def _code_dir(self, kind: str, attributes: dict[str, ts.Node]) -> Path | None:
        """The folder the handler is relative to: a zipped folder, or the folder a built zip sits in."""
        if kind == "module":
            if "source_path" in attributes and self.value(attributes.get("create_package")) is not False:
                return self._source_path(self.value(attributes["source_path"]))
            package = self.value(attributes["local_existing_package"]) if "local_existing_package" in attributes else None
            return self._zip_folder(package)
        if "filename" not in attributes:
            return None  # s3_bucket / image: the code is not in this repository
        return self._zip_folder(self.value(attributes["filename"]))

    def _zip_folder(self, value: Any) -> Path | None:
        if isinstance(value, _Archive):
            return value.code_dir
        if isinstance(value, str) and value:
            return self.place(value).parent
        return None

    def _source_path(self, value: Any) -> Path | None:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("path")
        if not isinstance(value, str) or not value:
            return None
        place = self.place(value)
        return place.parent if place.is_file() else place

    def place(self, text: str) -> Path:
        return join(self.folder, text) if not os.path.isabs(text) else Path(os.path.normpath(text))

    def value(self, node: ts.Node | None, depth: int = 0) -> Any:
        if node is None or depth > _MAX_DEPTH or node.has_error:
            return UNKNOWN
        if node.type == "expression":
            return self._chain(node.named_children, depth)
        return self._chain([node], depth)

    def _chain(self, nodes: list[ts.Node], depth: int) -> Any:
        nodes = [n for n in nodes if n.type != "comment"]
        if not nodes:
            return UNKNOWN
        first, suffixes = nodes[0], nodes[1:]
        if first.type == "variable_expr":
            name = _text(first.named_children[0]) if first.named_children else ""
            return self._reference(name, suffixes, depth)
        result = self._term(first, depth)
        return self._apply(result, suffixes, depth)

    def _apply(self, value: Any, suffixes: list[ts.Node], depth: int) -> Any:
        for suffix in suffixes:
            if value is UNKNOWN:
                return UNKNOWN
            key = self._suffix_key(suffix, depth)
            if key is UNKNOWN:
                return UNKNOWN
            if isinstance(value, dict) and isinstance(key, str):
                value = value.get(key, UNKNOWN)
            elif isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
                index = int(key)
                value = value[index] if 0 <= index < len(value) else UNKNOWN
            else:
                return UNKNOWN
        return value

    def _suffix_key(self, suffix: ts.Node, depth: int) -> Any:
        if suffix.type == "get_attr":
            identifier = next((c for c in suffix.named_children if c.type == "identifier"), None)
            return _text(identifier) if identifier is not None else UNKNOWN
        if suffix.type == "index":
            inner = suffix.named_children[0] if suffix.named_children else None
            if inner is not None and inner.type == "legacy_index":  # list.0
                digits = _text(inner).lstrip(".")
                return int(digits) if digits.isdigit() else UNKNOWN
            expression = next((c for c in (inner.named_children if inner is not None else []) if c.type == "expression"), None)
            return self.value(expression, depth + 1)
        return UNKNOWN  # splats and anything else

    def _reference(self, name: str, suffixes: list[ts.Node], depth: int) -> Any:
        keys = []
        for suffix in suffixes[:3]:
            key = self._suffix_key(suffix, depth) if suffix.type == "get_attr" else UNKNOWN
            keys.append(key)
        if name == "var" and keys and isinstance(keys[0], str) and keys[0] in self.given:
            return self._apply(self.given[keys[0]], suffixes[1:], depth)
        if name in ("local", "var") and keys and isinstance(keys[0], str):
            table = self.locals if name == "local" else self.variables
            node = table.get(keys[0])
            if node is None or id(node) in self._active:
                return UNKNOWN  # undeclared, no default, or defined in terms of itself
            self._active.add(id(node))
            try:
                value = self.value(node, depth + 1)
            finally:
                self._active.discard(id(node))
            return self._apply(value, suffixes[1:], depth)
        if name == "each" and self.each is not None and keys and keys[0] in ("key", "value"):
            value = self.each[0] if keys[0] == "key" else self.each[1]
            return self._apply(value, suffixes[1:], depth)
        if name == "path" and keys[:1] == ["module"]:
            return self._apply(str(self.folder), suffixes[1:], depth)
        if name == "data" and len(keys) == 3 and keys[0] == "archive_file" and keys[2] == "output_path":
            archive = self.archives.get(keys[1]) if isinstance(keys[1], str) else None
            return self._archive(archive, depth) if archive is not None else UNKNOWN
        return UNKNOWN

    def _archive(self, attributes: dict[str, ts.Node], depth: int) -> Any:
        source_dir = self.value(attributes.get("source_dir"), depth + 1) if "source_dir" in attributes else None
        if isinstance(source_dir, str) and source_dir:
            return _Archive(self.place(source_dir))
        source_file = self.value(attributes.get("source_file"), depth + 1) if "source_file" in attributes else None
        if isinstance(source_file, str) and source_file:
            return _Archive(self.place(source_file).parent)
        return _Archive(None)  # `source` blocks (inline content): nothing on disk to read

    def _term(self, node: ts.Node, depth: int) -> Any:
        kind = node.type
        if kind == "literal_value":
            inner = node.named_children[0] if node.named_children else None
            return self._literal(inner)
        if kind in ("string_lit", "quoted_template", "template_expr"):
            return self._template(node, depth)
        if kind == "collection_value":
            inner = node.named_children[0] if node.named_children else None
            if inner is None:
                return UNKNOWN
            if inner.type == "tuple":
                return [self.value(c, depth + 1) for c in inner.named_children if c.type == "expression"]
            if inner.type == "object":
                return self._object(inner, depth)
            return UNKNOWN
        if kind == "function_call":
            return self._function(node, depth)
        if kind == "conditional":
            parts = [c for c in node.named_children if c.type == "expression"]
            if len(parts) != 3:
                return UNKNOWN
            condition = self.value(parts[0], depth + 1)
            if not isinstance(condition, bool):
                return UNKNOWN
            return self.value(parts[1] if condition else parts[2], depth + 1)
        if kind == "operation":
            inner = node.named_children[0] if node.named_children else None
            return self._operation(inner, depth) if inner is not None else UNKNOWN
        if kind in ("expression", "parenthesized_expression") or (node.named_child_count == 1 and kind.startswith("paren")):
            return self.value(node.named_children[0], depth + 1) if node.named_children else UNKNOWN
        return UNKNOWN  # for expressions, splats, heredocs with directives, …

    @staticmethod
    def _literal(node: ts.Node | None) -> Any:
        if node is None:
            return UNKNOWN
        if node.type == "string_lit":
            return _string_lit(node)
        if node.type == "numeric_lit":
            text = _text(node)
            try:
                return int(text)
            except ValueError:
                try:
                    return float(text)
                except ValueError:
                    return UNKNOWN
        if node.type == "bool_lit":
            return _text(node) == "true"
        if node.type == "null_lit":
            return None
        return UNKNOWN

    def _template(self, node: ts.Node, depth: int) -> Any:
        if node.type == "template_expr":
            inner = node.named_children[0] if node.named_children else None
            if inner is None or inner.type != "quoted_template":
                return UNKNOWN  # heredocs: not a handler's shape
            node = inner
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "template_literal":
                parts.append(_unescape(_text(child)))
            elif child.type == "template_interpolation":
                expression = next((c for c in child.named_children if c.type == "expression"), None)
                value = self.value(expression, depth + 1)
                if isinstance(value, bool):
                    value = "true" if value else "false"
                if isinstance(value, (int, float)):
                    value = str(value)
                if not isinstance(value, str):
                    return UNKNOWN
                parts.append(value)
            elif child.type in ("quoted_template_start", "quoted_template_end"):
                continue
            else:
                return UNKNOWN  # %{ if } directives
        return "".join(parts)

    def _object(self, node: ts.Node, depth: int) -> Any:
        result: dict[str, Any] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            key_node = element.child_by_field_name("key")
            value_node = element.child_by_field_name("val")
            if key_node is None:
                return UNKNOWN
            bare = key_node.named_children[0] if key_node.named_children else None
            if bare is not None and bare.type == "variable_expr" and key_node.named_child_count == 1:
                key: Any = _text(bare)  # `{ name = … }`: a bare word is the key itself
            else:
                key = self.value(key_node, depth + 1)
            if not isinstance(key, str):
                return UNKNOWN
            result[key] = self.value(value_node, depth + 1)
        return result

    def _function(self, node: ts.Node, depth: int) -> Any:
        name_node = node.named_children[0] if node.named_children else None
        name = _text(name_node) if name_node is not None else ""
        arguments_node = next((c for c in node.named_children if c.type == "function_arguments"), None)
        arguments = [self.value(c, depth + 1) for c in (arguments_node.named_children if arguments_node else []) if c.type == "expression"]
        if name == "merge" and all(isinstance(a, dict) or a is UNKNOWN for a in arguments):
            return _merge(arguments)
        if any(a is UNKNOWN or isinstance(a, _PartialMap) for a in arguments):
            return UNKNOWN
        if name in ("toset", "tolist") and len(arguments) == 1 and isinstance(arguments[0], list):
            return list(dict.fromkeys(arguments[0])) if name == "toset" and _hashable(arguments[0]) else arguments[0]
        if name == "tomap" and len(arguments) == 1 and isinstance(arguments[0], dict):
            return arguments[0]
        if name == "concat" and all(isinstance(a, list) for a in arguments):
            return [item for argument in arguments for item in argument]
        if name == "lookup" and len(arguments) in (2, 3) and isinstance(arguments[0], dict) and isinstance(arguments[1], str):
            if arguments[1] in arguments[0]:
                return arguments[0][arguments[1]]
            return arguments[2] if len(arguments) == 3 else UNKNOWN
        return _string_function(name, arguments)


    def _operation(self, node: ts.Node, depth: int) -> Any:
        children = [c for c in node.children if c.type != "comment"]
        operators = [i for i, c in enumerate(children) if not c.is_named]
        if node.type == "unary_operation" and operators:
            operand = self._chain(children[operators[0] + 1 :], depth + 1)
            op = children[operators[0]].type
            return (not operand) if op == "!" and isinstance(operand, bool) else UNKNOWN
        if node.type != "binary_operation" or len(operators) != 1:
            return UNKNOWN
        split = operators[0]
        left = self._chain(children[:split], depth + 1)
        right = self._chain(children[split + 1 :], depth + 1)
        op = children[split].type
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(left, _PartialMap) or isinstance(right, _PartialMap):
            return UNKNOWN
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        if op in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if op == "&&" else (left or right)
        return UNKNOWN


def _merge(maps: list[Any]) -> Any:
    merged: dict[str, Any] = {}
    partial = False
    for value in maps:
        if value is UNKNOWN or isinstance(value, _PartialMap):
            partial = True
            merged = dict(value) if isinstance(value, _PartialMap) else {}  # it may override anything before it
        else:
            merged.update(value)
    return _PartialMap(merged) if partial else merged


def _string_function(name: str, arguments: list[Any]) -> Any:
    """The pure string functions handler names are built with; anything else is UNKNOWN."""
    strings = all(isinstance(a, str) for a in arguments)
    if name == "element" and len(arguments) == 2 and isinstance(arguments[0], list) and arguments[0]:
        index = arguments[1]
        return arguments[0][index % len(arguments[0])] if isinstance(index, int) and not isinstance(index, bool) else UNKNOWN
    if name == "join" and len(arguments) == 2 and isinstance(arguments[0], str) and isinstance(arguments[1], list):
        return arguments[0].join(arguments[1]) if all(isinstance(v, str) for v in arguments[1]) else UNKNOWN
    if name == "coalesce" and arguments:
        return next((a for a in arguments if a is not None and a != ""), UNKNOWN)
    if name == "format" and arguments and strings and arguments[0].count("%") == 2 * arguments[0].count("%%") + len(arguments) - 1:
        pieces = arguments[0].replace("%%", "\0").split("%s")
        if len(pieces) != len(arguments):
            return UNKNOWN  # verbs other than %s
        out = pieces[0]
        for value, piece in zip(arguments[1:], pieces[1:]):
            out += value + piece
        return out.replace("\0", "%")
    if not strings:
        return UNKNOWN
    if name in ("lower", "upper") and len(arguments) == 1:
        return arguments[0].lower() if name == "lower" else arguments[0].upper()
    if name == "trimsuffix" and len(arguments) == 2:
        return arguments[0][: -len(arguments[1])] if arguments[1] and arguments[0].endswith(arguments[1]) else arguments[0]
    if name == "trimprefix" and len(arguments) == 2:
        return arguments[0][len(arguments[1]) :] if arguments[0].startswith(arguments[1]) else arguments[0]
    if name == "replace" and len(arguments) == 3 and not (arguments[1].startswith("/") and arguments[1].endswith("/")):
        return arguments[0].replace(arguments[1], arguments[2])  # a /regex/ pattern is not evaluated
    return UNKNOWN


# --- small helpers
def _shown(node: ts.Node | None) -> str:
    return one_line(_text(node))


def _text(node: ts.Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _string_lit(node: ts.Node) -> str | None:
    parts = []
    for child in node.named_children:
        if child.type == "template_literal":
            parts.append(_unescape(_text(child)))
        elif child.type not in ("quoted_template_start", "quoted_template_end"):
            return None
    return "".join(parts)


def _string_literal(expression: ts.Node) -> str | None:
    """The text of an expression that is a plain string (a module's `source`)."""
    node = expression.named_children[0] if expression.type == "expression" and expression.named_children else expression
    if node.type == "literal_value" and node.named_children and node.named_children[0].type == "string_lit":
        return _string_lit(node.named_children[0])
    if node.type == "template_expr" and node.named_children:
        inner = node.named_children[0]
        if all(c.type in ("template_literal", "quoted_template_start", "quoted_template_end") for c in inner.named_children):
            return "".join(_unescape(_text(c)) for c in inner.named_children if c.type == "template_literal")
    return None


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    """HCL string escapes (`\\"`, `\\\\`, `\\n`, …) and the template escapes `$${` and `%%{`."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPES:
            out.append(_ESCAPES[text[index + 1]])
            index += 2
            continue
        if text.startswith(("$${", "%%{"), index):
            out.append(text[index] + "{")
            index += 3
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _hashable(values: list[Any]) -> bool:
    return all(isinstance(v, (str, int, float, bool)) or v is None for v in values)
