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


class TemplateLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that accepts CloudFormation short-form tags and records key lines."""


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


def load_json(text: str) -> Any:
    """JSON with key lines. Valid JSON is YAML except for tab indentation, and a raw tab can only be
    whitespace in valid JSON (inside strings it must be escaped), so replacing tabs keeps meaning and
    line numbers. If the YAML reader still disagrees, fall back to json (lines then all read 0)."""
    try:
        return load_yaml(text.replace("\t", " "))
    except yaml.YAMLError:
        return json.loads(text, object_pairs_hook=_json_pairs)


def _json_pairs(pairs: list[tuple[str, Any]]) -> LineDict:
    mapping = LineDict()
    for key, value in pairs:
        mapping[key] = value
    return mapping
