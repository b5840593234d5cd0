"""Loading CloudFormation / SAM / serverless YAML (and JSON) with line numbers.

PyYAML with a SafeLoader subclass: every `!Tag` short form (`!Ref`, `!Sub`, `!GetAtt`, …, and tags
we have never heard of) becomes its long form (`{"Ref": x}`, `{"Fn::Sub": x}`), so YAML and JSON
templates look the same to the readers. Mappings are `LineDict`s that remember the 0-based line
of each key, which is how a finding points at the `Handler:` line."""

from __future__ import annotations

import json
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster

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
_UNREAD_SECTIONS = frozenset({"Outputs", "Conditions", "Mappings", "Rules"})


def load_template(text: str) -> Any:
    """A CloudFormation/SAM template's first document, with only its function resources built:
    libyaml composes the nodes, and most of a template (queues, tables, roles, outputs) is never
    turned into Python objects. Same result as `load_yaml` for everything a template reader uses."""
    loader = TemplateLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            _prune(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _prune(root: yaml.MappingNode) -> None:
    kept = []
    for key_node, value_node in root.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if name in _UNREAD_SECTIONS:
            continue
        if name == "Resources" and isinstance(value_node, yaml.MappingNode):
            value_node = yaml.MappingNode(value_node.tag, [
                (k, v) for k, v in value_node.value if not isinstance(v, yaml.MappingNode) or _is_function(v)
            ], value_node.start_mark, value_node.end_mark, value_node.flow_style)
        kept.append((key_node, value_node))
    root.value = kept


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
