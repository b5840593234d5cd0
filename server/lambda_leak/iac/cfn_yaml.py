"""Loading CloudFormation / SAM / serverless YAML (and JSON) with line numbers.

PyYAML with a SafeLoader subclass: every `!Tag` short form (`!Ref`, `!Sub`, `!GetAtt`, …, and tags
we have never heard of) becomes its long form (`{"Ref": x}`, `{"Fn::Sub": x}`), so YAML and JSON
templates look the same to the readers. Mappings are `LineDict`s that remember the 0-based line
of each key, which is how a finding points at the `Handler:` line."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterator

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster
_RawParser = getattr(getattr(yaml, "_yaml", None), "CParser", None)  # libyaml's parser alone

# Short-form tags whose long form is not "Fn::<Name>".
_LONG_FORM = {"Ref": "Ref", "Condition": "Condition"}


class LineDict(dict):
    """A mapping that also knows where it and each of its keys start (0-based lines)."""

    __slots__ = ("line", "key_lines")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any, default: int | None = None) -> int:
        return self.key_lines.get(key, self.line if default is None else default)


_SCALAR_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}  # (plain scalar, implicit) -> its resolved tag


class TemplateLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that accepts CloudFormation short-form tags and records key lines."""

    # libyaml calls back into Python to resolve every scalar's tag; templates repeat the same
    # scalars (`Type`, `Properties`, `!Ref` targets) thousands of times, so remember the answers.
    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        found = _SCALAR_TAGS.get((value, implicit))
        if found is None:
            found = super().resolve(kind, value, implicit)
            if len(_SCALAR_TAGS) > 50_000:
                _SCALAR_TAGS.clear()
            _SCALAR_TAGS[(value, implicit)] = found
        return found

    def descend_resolver(self, current_node, current_index):  # type: ignore[no-untyped-def]
        pass  # no path resolvers are registered: skip the per-node bookkeeping

    def ascend_resolver(self):  # type: ignore[no-untyped-def]
        pass


def _construct_mapping(loader: TemplateLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # resolves `<<` merge keys like SafeConstructor does
    mapping = LineDict()
    mapping.line = node.start_mark.line
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue  # a mapping or list used as a key: not something a template uses
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines.setdefault(key, key_node.start_mark.line)
    return mapping


def _construct_tag(loader: TemplateLoader, suffix: str, node: yaml.Node) -> LineDict:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = _construct_mapping(loader, node)
    long_form = _LONG_FORM.get(suffix, f"Fn::{suffix}")
    wrapped = LineDict()
    wrapped.line = node.start_mark.line
    wrapped[long_form] = value
    wrapped.key_lines[long_form] = node.start_mark.line
    return wrapped


TemplateLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
TemplateLoader.add_multi_constructor("!", _construct_tag)


def load_yaml(text: str) -> Any:
    """The first document of `text`. Raises yaml.YAMLError on bad YAML."""
    return yaml.load(text, Loader=TemplateLoader)  # noqa: S506 - a SafeLoader subclass


# What a template reader needs: the function resources and what they may refer to.
FUNCTION_TYPES = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})
# The properties of a function resource `templates.py` reads; the others (events, policies,
# environment: most of a function's lines) are dropped like unread resources.
FUNCTION_PROPERTIES = frozenset({"Handler", "Runtime", "CodeUri", "InlineCode", "PackageType", "CapacityProviderConfig", "Code"})
_UNREAD_SECTIONS = frozenset({"Outputs", "Conditions", "Mappings", "Rules"})


def load_template(text: str) -> Any:
    """A CloudFormation/SAM template's first document, with only its function resources built:
    libyaml composes the nodes, and most of a template (queues, tables, roles, outputs) is never
    turned into Python objects. Same result as `load_yaml` for everything a template reader uses.

    Most templates are plain block YAML: their unread resources and sections are blanked out of
    the text (see `_blank_unread`) once libyaml has checked the whole text, so they are not even
    composed. Anything unusual, or a failure on the blanked text, takes the full path."""
    blanked = _blank_unread(text)
    if blanked is not None:
        try:
            document = _load_pruned(blanked[0], _construct_tree)
        except (yaml.YAMLError, RecursionError):
            pass  # the full text decides, with its own message (an alias the blanking missed: its own error)
        else:
            resources = document.get("Resources") if isinstance(document, LineDict) else None
            if isinstance(resources, LineDict):
                resources.line = blanked[1]  # where the mapping starts in the text: its first resource
            return document
    return _load_pruned(text)


def _load_pruned(text: str, construct=None) -> Any:
    loader = TemplateLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            _prune(node)
        return loader.construct_document(node) if construct is None else construct(loader, node)
    finally:
        loader.dispose()


_STR_TAG, _SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq"
# Constructors of scalars that return their value (no generator, nothing to finish later).
_PLAIN_SCALARS = {tag: TemplateLoader.yaml_constructors[tag]
                  for tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")}


def _construct_tree(loader: TemplateLoader, node: yaml.Node) -> Any:
    """`construct_document` for a document without anchors or aliases (each node reached once):
    strings, block mappings and lists built here directly, other plain scalars and short-form
    tags by the constructor `construct_object` would pick, the rest by the loader. PyYAML's
    `construct_object` bookkeeping per node (caches, recursion guard) costs more than the node."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _STR_TAG:
            return node.value
        scalar = _PLAIN_SCALARS.get(node.tag)
        if scalar is not None:
            return scalar(loader, node)
    if node.tag[:1] == "!" and node.tag not in loader.yaml_constructors:
        return _construct_tag(loader, node.tag[1:], node)  # the only multi-constructor: `!`
    if kind is yaml.MappingNode and node.tag == yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG:
        loader.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line
        for key_node, value_node in node.value:
            key = _construct_tree(loader, key_node)
            try:
                hash(key)
            except TypeError:
                continue
            mapping[key] = _construct_tree(loader, value_node)
            mapping.key_lines.setdefault(key, key_node.start_mark.line)
        return mapping
    if kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
        return [_construct_tree(loader, child) for child in node.value]
    return loader.construct_object(node, deep=True)


def _prune(root: yaml.MappingNode) -> None:
    kept = []
    for key_node, value_node in root.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if name in _UNREAD_SECTIONS:
            continue
        if name == "Resources" and isinstance(value_node, yaml.MappingNode):
            value_node = yaml.MappingNode(value_node.tag, [
                (k, _read_properties(v) if isinstance(v, yaml.MappingNode) else v)
                for k, v in value_node.value if not isinstance(v, yaml.MappingNode) or _is_function(v)
            ], value_node.start_mark, value_node.end_mark, value_node.flow_style)
        kept.append((key_node, value_node))
    root.value = kept


def _read_properties(resource: yaml.MappingNode) -> yaml.MappingNode:
    """A kept resource with only the `FUNCTION_PROPERTIES` in its `Properties` mapping(s): new
    nodes (an alias may share them). A resource with a merge key is kept whole, and so is a
    mapping none of whose keys is read. A pruned mapping starts where its first kept key does,
    as it would if the others had never been written (what `_unread_properties` blanks)."""
    if any(_key_name(key) == "<<" for key, _ in resource.value):
        return resource
    pairs = [(key, _only_read(value) if _key_name(key) == "Properties" else value) for key, value in resource.value]
    if all(new is old for (_, new), (_, old) in zip(pairs, resource.value)):
        return resource  # nothing dropped (the blanking dropped it already): the node as it is
    return yaml.MappingNode(resource.tag, pairs, resource.start_mark, resource.end_mark, resource.flow_style)


def _only_read(properties: yaml.Node) -> yaml.Node:
    if not isinstance(properties, yaml.MappingNode) or properties.tag != yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG:
        return properties
    kept = [(key, value) for key, value in properties.value
            if not isinstance(key, yaml.ScalarNode) or key.value in FUNCTION_PROPERTIES or key.value == "<<"]
    if not kept or (len(kept) == len(properties.value) and kept[0][0].start_mark.index == properties.start_mark.index):
        return properties  # nothing read, or nothing dropped from a mapping that starts at its first key
    return yaml.MappingNode(properties.tag, kept, kept[0][0].start_mark, properties.end_mark, properties.flow_style)


def _key_name(key: yaml.Node) -> str | None:
    return key.value if isinstance(key, yaml.ScalarNode) else None


def _is_function(resource: yaml.MappingNode) -> bool:
    for key_node, value_node in resource.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<":
            return True  # a merge key may bring the type in: build it to be sure
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == "Type":
            return isinstance(value_node, yaml.ScalarNode) and value_node.value in FUNCTION_TYPES
    return False


def load_json(text: str, template: bool = False) -> Any:
    """JSON with key lines. Valid JSON is YAML except for tab indentation, and a raw tab can only be
    whitespace in valid JSON (inside strings it must be escaped), so replacing tabs keeps meaning and
    line numbers. If the YAML reader still disagrees, fall back to json (lines then all read 0)."""
    try:
        return (load_template if template else load_yaml)(text.replace("\t", " "))
    except yaml.YAMLError:
        return json.loads(text, object_pairs_hook=_json_pairs)


def _json_pairs(pairs: list[tuple[str, Any]]) -> LineDict:
    mapping = LineDict()
    for key, value in pairs:
        mapping[key] = value
    return mapping


# -- blanking unread parts of block YAML before libyaml composes it ---------------------------
# Only a text whose lines are their own units is blanked: no anchor or alias (an alias in a
# blanked part could name an anchor in a kept one, or be undefined), no second document or
# directive, no quoted scalar or flow collection left open at the end of a line, no tab or
# unusual line break. Block and plain scalars continue only on lines indented deeper than
# their key, so a line at a resource's or a section's indentation starts the next one.

# Characters that end a line or indent for libyaml but not for `split("\n")`; a document start
# or end, or a directive, at a line's start.
_SPECIAL_CHARACTERS = ("\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff")
_DOCUMENT_MARKS = ("---", "...", "%")
# The patterns below start with the one character they look for and check what precedes it
# after it: `re` then finds the candidates with a fast scan for that character (a lookbehind
# first is tried at every position of the text, a class of two characters tested at every
# one: several times slower). A pattern split in two finds a match where the whole one does.
# Anchors and aliases start a token: after a line start, blanks or a flow indicator (`?`: a flow
# key), or right after the `:` of a JSON-like key in a flow (see `_anchor_after_json_key`).
_ANCHORS_OR_ALIASES = (re.compile(r"&(?<![^\s\[{,?]&)"), re.compile(r"\*(?<![^\s\[{,?]\*)"))
_COLON_THEN_ANCHOR = re.compile(r":[&*]")
# A quote opening a scalar that runs past its line: in block context, after a line start or
# blanks (in a flow, `_flows_close_on_their_lines` finds them).
_OPEN_QUOTES = (re.compile(r""""(?<!\S")(?:[^"\\\n]++|\\.)*+\\?(?:\n|\Z)"""),
                re.compile(r"""'(?<!\S')(?:[^'\n]++|'')*+(?:\n|\Z)"""))
# `[` or `{` not in `${…}`: a flow collection starts there if it starts a node (`_starts_node`).
_BRACKET = re.compile(r"[\[{](?<!\$\{)")
# A quoted scalar right after a flow indicator or a value's `: ` (a tag and blanks between):
# surely a quoted scalar.
_QUOTED = re.compile(r"""((?:[\[{,][ ]*|:[ ]+)(?:![^\s\[\]{},]*[ ]+)?)(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')""")
_COMMENT = re.compile(r"(?:^|\s)#.*")
# In "\n" + text: a line holding more than blanks and a comment, and its indentation.
_CODE_LINE = re.compile(r"\n( *)[^ \n#]")
_TOP_LINE = re.compile(r"\n(?=[^ \n#])")
_TOP_KEY = re.compile(r"(\w+)[ ]*:(?:[ ]|$)", re.M)
_BLOCK_KEY = re.compile(r" *\w+[ ]*:[ ]*(?:#[^\n]*)?$", re.M)
_PROPERTY = re.compile(r" *(<<|\w+)[ ]*:(?:[ ]+([^\n]*))?$", re.M)
# From the end of a resource's key line: blank and comment lines, then its first key (the
# common case: `Type`) with its indentation and value.
_FIRST_KEY = re.compile(r"(?:\n[ ]*(?:#[^\n]*)?(?=\n))*\n( +)(<<|\w+)[ ]*:(?:[ ]+([^\n]*))?$", re.M)
# The common resource at once, from its key line's start: the key line (`_BLOCK_KEY`), blank
# and comment lines, then a first key `Type` with a value `_TYPE_VALUE` reads (`_FIRST_KEY`).
_TYPED_RESOURCE = re.compile(r""" *\w+[ ]*:[ ]*(?:#[^\n]*)?(?:\n[ ]*(?:#[^\n]*)?(?=\n))*\n( +)Type[ ]*:[ ]+"""
                             r"""(?:"([^"\\\n]*)"|'([^'\n]*)'|([\w:.-]+))[ ]*(?:#[^\n]*)?$""", re.M)
_LIST_ITEM = re.compile(r"-(?:[ ]|$)", re.M)
_TYPE_VALUE = re.compile(r"""(?:"([^"\\]*)"|'([^']*)'|([\w:.-]+))[ ]*(?:#.*)?$""")


def _blank_unread(text: str) -> tuple[str, int] | None:
    """`text` with the sections `_prune` drops and the resources it would drop (those whose
    first `Type`/`<<` key is a `Type` naming no function) turned into comment lines, every
    other line where it was, and the line of the (last) `Resources` mapping's first resource;
    None when the text is not plain block YAML or does not parse."""
    if _RawParser is None or any(c in text for c in _SPECIAL_CHARACTERS):
        return None
    # The mark alone first: searching for "\n---" stops at every line break (several times slower).
    if any(mark in text and (text.startswith(mark) or "\n" + mark in text) for mark in _DOCUMENT_MARKS):
        return None
    if _any_match(_ANCHORS_OR_ALIASES, text) or _anchor_after_json_key(text) or _any_match(_OPEN_QUOTES, text):
        return None
    if not _flows_close_on_their_lines(text):
        return None
    try:
        parser = _RawParser(text)
        try:
            parser.raw_parse()  # in C, no Python object per event: the whole text is valid YAML
        finally:
            parser.dispose()
    except yaml.YAMLError:
        return None
    lined = "\n" + text  # offsets in `lined` of a line's "\n" are those of the line in `text`
    first = _CODE_LINE.search(lined)
    if first is None or first.group(1):
        return None  # empty, or not a mapping at the first column
    tops = [m.start() for m in _TOP_LINE.finditer(lined)] + [len(text)]
    blank: list[tuple[int, int]] = []  # [start, end) offsets of whole lines
    resources_at = 0
    for start, end in zip(tops, tops[1:]):
        key = _TOP_KEY.match(text, start)
        if key is None:
            return None
        if key.group(1) in _UNREAD_SECTIONS:
            blank.append((start, end))
        elif key.group(1) == "Resources":
            if not _BLOCK_KEY.match(text, start):
                return None
            body = text.find("\n", start, end)
            unread = _unread_resources(text, lined, body, end) if body >= 0 else None
            if unread is None:
                return None
            blank += unread[0]
            resources_at = unread[1]
    if not blank:
        return None
    pieces, done = [], 0
    for start, end in blank:
        pieces += [text[done:start], "#\n" * text.count("\n", start, end)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces), text.count("\n", 0, resources_at)


def _any_match(patterns: tuple[re.Pattern, ...], text: str) -> bool:
    return any(pattern.search(text) is not None for pattern in patterns)


def _anchor_after_json_key(text: str) -> bool:
    """An anchor or alias right after the `:` of a JSON-like key (`{"a" :&x {"b": *x}}`; blanks
    may come before the `:`): the key is a quoted scalar, or a flow collection closed on a line
    where one starts (a `}` that only closes `${…}` in a string is no key)."""
    if ":&" not in text and ":*" not in text:
        return False  # what `_COLON_THEN_ANCHOR` looks for, found by a memchr scan (`re` stops at every `:`)
    for found in _COLON_THEN_ANCHOR.finditer(text):
        before = found.start() - 1
        while before >= 0 and text[before] == " ":
            before -= 1
        mark = text[before] if before >= 0 else ""
        if mark and mark in "\"'":
            return True
        if mark and mark in "]}" and _BRACKET.search(text, text.rfind("\n", 0, before) + 1, before):
            return True
    return False


@lru_cache(maxsize=64)
def _lines_indented(low: int, high: int) -> re.Pattern:
    """Code lines indented by `low` to `high` blanks (searched in "\n" + text)."""
    return re.compile(r"\n( {%d,%d})(?=[^ \n#])" % (low, high))


def _unread_resources(text: str, lined: str, body: int, end: int) -> tuple[list[tuple[int, int]], int] | None:
    """The ranges of the resources `_prune` would drop in a block `Resources` mapping whose
    lines start after offset `body` and end at `end`, and where its first resource starts;
    None when its shape is not plain."""
    first = _CODE_LINE.search(lined, body, end)
    if first is None:
        return None
    indent = len(first.group(1))
    starts = []  # the resources' key lines: the code lines at `indent`, in one pass over the lines
    for line in _lines_indented(0, indent).finditer(lined, body, end):
        if len(line.group(1)) < indent:
            return None  # a line indented less than the first resource
        starts.append(line.start())
    unread: list[tuple[int, int]] = []
    properties: list[tuple[int, int]] = []  # in the resources kept
    for start, following in zip(starts, starts[1:] + [end]):
        if _typed_as_no_function(text, start, following, indent):
            unread.append((start, following))  # what the lines below find for it, in one match
            continue
        if not _BLOCK_KEY.match(text, start):
            return None
        line_end = text.find("\n", start, following)
        if line_end >= 0 and _not_a_function(text, lined, line_end, following, indent):
            unread.append((start, following))
        elif line_end >= 0:
            properties.extend(_unread_properties(text, lined, line_end, following, indent))
    if len(unread) == len(starts):
        return None  # nothing left: `Resources` would read as null, not as an empty mapping
    return sorted(unread + properties), first.start()


def _typed_as_no_function(text: str, start: int, end: int, indent: int) -> bool:
    """Whether the resource whose key line starts at offset `start` (its lines end at `end`) is
    a plain block key whose first key is a `Type` naming no function: most resources are, and
    `_not_a_function` then says so too."""
    typed = _TYPED_RESOURCE.match(text, start, end)
    return typed is not None and len(typed.group(1)) > indent and typed.group(typed.lastindex) not in FUNCTION_TYPES


def _not_a_function(text: str, lined: str, body: int, end: int, indent: int) -> bool:
    """Whether a resource whose lines run from offset `body` to `end` is surely not a function:
    its first key reached before any `<<`, every key before it plain, is a `Type` naming
    something else. Unsure means no: a resource kept here is dropped by `_prune` all the same."""
    key = _FIRST_KEY.match(text, body, end)
    if key is not None and key.group(2) == "Type" and len(key.group(1)) > indent:
        return _names_no_function(key.group(3))
    first = _CODE_LINE.search(lined, body, end)
    if first is None or len(first.group(1)) <= indent:
        return False
    depth = len(first.group(1))
    for line in _lines_indented(depth, depth).finditer(lined, body, end):
        found = _PROPERTY.match(text, line.start())
        if found is None or found.group(1) == "<<":
            return False
        if found.group(1) == "Type":
            return _names_no_function(found.group(2))
    return False


def _unread_properties(text: str, lined: str, body: int, end: int, indent: int) -> list[tuple[int, int]]:
    """In a kept resource whose lines run from offset `body` to `end`, the ranges of the entries
    of its block `Properties` mapping(s) that `_read_properties` drops: none unless the resource
    has no merge key and every line of the mapping at its keys' indentation is a plain key (or an
    item of a list written at its key's indentation), one of them read."""
    first = _CODE_LINE.search(lined, body, end)
    if first is None or len(first.group(1)) <= indent or text.find("<<", body, end) >= 0:
        return []  # a merge key (even quoted) keeps the resource whole in `_read_properties`
    depth = len(first.group(1))
    found: list[tuple[int, int]] = []
    position = body
    while (key := _properties_key(depth).search(lined, position, end)) is not None:
        unread, position = _unread_entries(text, lined, key.end(), end, depth)
        found += unread
    return found


@lru_cache(maxsize=64)
def _properties_key(indent: int) -> re.Pattern:
    """A block `Properties:` key indented by `indent` blanks, to the end of its line (in "\n" + text)."""
    return re.compile(r"\n {%d}Properties[ ]*:[ ]*(?:#[^\n]*)?(?=\n)" % indent)


def _unread_entries(text: str, lined: str, body: int, end: int, indent: int) -> tuple[list[tuple[int, int]], int]:
    """The unread entries of the block mapping whose lines start at offset `body` (see
    `_unread_properties`), the mapping's key indented by `indent`; and where the mapping ends
    (its first line indented by `indent` or less, or `end`)."""
    first = _CODE_LINE.search(lined, body, end)
    if first is None or len(first.group(1)) <= indent:
        return [], body
    depth = len(first.group(1))
    entries: list[tuple[int, bool]] = []  # (start, read)
    mapping_end, plain = end, True
    for line in _lines_indented(0, depth).finditer(lined, first.start(), end):
        column = len(line.group(1))
        if column <= indent:
            mapping_end = line.start()
            break
        key = _PROPERTY.match(text, line.start()) if column == depth else None
        if key is not None and key.group(1) != "<<":
            entries.append((line.start(), key.group(1) in FUNCTION_PROPERTIES))
        elif column != depth or not (entries and _LIST_ITEM.match(text, line.start() + depth)):
            plain = False  # a line between the mapping's indentation and its keys', or not a plain key
    if not plain or not any(read for _, read in entries):
        return [], mapping_end  # nothing read, or not plain: the mapping is kept whole
    bounds = [start for start, _ in entries[1:]] + [mapping_end]
    return [(start, following) for (start, read), following in zip(entries, bounds) if not read], mapping_end


def _names_no_function(value: str | None) -> bool:
    """Whether a `Type` key's value, as written, is a scalar naming no function type."""
    found = _TYPE_VALUE.match(value or "")
    if found is None:
        return False
    return found.group(found.lastindex) not in FUNCTION_TYPES  # the one of its three forms that matched


def _flows_close_on_their_lines(text: str) -> bool:
    """Whether every line where a flow collection starts also ends it (quoted scalars and
    comments aside): a collection spanning lines could hide what looks like a key."""
    position = 0
    for found in _brackets(text):
        if found < position:
            continue  # on a line checked already
        if found and not text[found - 1].isspace():
            continue  # right after a scalar's character: not a node (`_starts_node`)
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end < 0 else end
        if not _starts_node(text[start:found]):
            continue
        line = _COMMENT.sub("", _QUOTED.sub(r"\1 ", text[start:end]))
        if '"' in line or "'" in line:
            return False
        if line.count("[") + line.count("{") != line.count("]") + line.count("}"):
            return False
        position = end
    return True


def _brackets(text: str) -> Iterator[int]:
    """The offsets `_BRACKET.finditer` finds, in order, by `str.find` (a memchr scan, where `re`
    tests every character against the class: most of the cost of `_flows_close_on_their_lines`)."""
    square, curly = text.find("["), text.find("{")
    while square >= 0 or curly >= 0:
        if curly < 0 or 0 <= square < curly:
            yield square
            square = text.find("[", square + 1)
        else:
            if not curly or text[curly - 1] != "$":
                yield curly
            curly = text.find("{", curly + 1)


def _starts_node(before: str) -> bool:
    """Whether a bracket after `before` (its line so far) starts a node in block context: at the
    line's start, or after an indicator (`:`, `-`, `?`) or a tag and blanks. Anywhere else it is
    inside a scalar, or inside a flow collection checked from its start."""
    words = before.split()
    if not words:
        return True
    if not before.endswith(" "):
        return False
    last = words[-1]
    return last.startswith("!") or last[-1] in ":-?"
