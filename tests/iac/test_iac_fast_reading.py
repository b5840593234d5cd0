"""The fast paths of reading deployment files give the same answers as the full reader."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml
from iac_helpers import FIXTURES, rows

from lambda_leak.iac import cfn_yaml, discover, templates
from lambda_leak.iac.cfn_yaml import LineDict, load_json, load_template, load_yaml

TEMPLATES = sorted(p for p in FIXTURES.rglob("*") if "broken" not in p.parts and p.suffix in (".yaml", ".yml", ".json", ".template")
                   and "serverless" not in p.name and p.name not in ("package.json", "tsconfig.json", "cdk.json"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_pruned_template_declares_what_the_full_document_declares(path: Path):
    text = path.read_text()
    full, pruned = (load_json(text), load_json(text, template=True)) if path.suffix == ".json" else (
        load_yaml(text), load_template(text))
    assert templates.declarations(pruned, path) == templates.declarations(full, path)


def test_pruned_template_keeps_the_functions_read_properties_and_drops_the_rest():
    text = (FIXTURES / "sam-app" / "template.yaml").read_text()
    full, pruned = load_yaml(text), load_template(text)
    kept = {name for name, r in full["Resources"].items()
            if r.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")}
    assert kept and set(pruned["Resources"]) == kept
    dropped = set()
    for name in kept:
        resource, whole = pruned["Resources"][name], full["Resources"][name]
        assert {k: v for k, v in resource.items() if k != "Properties"} == {k: v for k, v in whole.items() if k != "Properties"}
        assert resource.key_lines == whole.key_lines
        read = {k: v for k, v in whole["Properties"].items() if k in cfn_yaml.FUNCTION_PROPERTIES}
        assert resource["Properties"] == read
        assert all(resource["Properties"].key_lines[k] == whole["Properties"].key_lines[k] for k in read)
        dropped |= set(whole["Properties"]) - set(read)
    assert dropped  # the fixture's functions have events, policies or environment
    assert "Outputs" not in pruned and pruned["Globals"] == full["Globals"]


def test_the_template_reader_reads_no_function_property_the_pruning_drops():
    """`templates.py` names every property it reads as a string literal: all of them are kept."""
    import re

    source = Path(templates.__file__).read_text()
    read = set(re.findall(r"""(?:properties\.get\(|_property\(|in properties|config\.get\()\s*"(\w+)\"""", source))
    read |= set(re.findall(r""""(\w+)" in properties""", source))
    assert {"Handler", "Runtime", "CodeUri", "InlineCode", "PackageType", "Code"} <= read
    assert read - {"LambdaManagedInstancesCapacityProviderConfig"} <= cfn_yaml.FUNCTION_PROPERTIES


def test_a_merge_key_can_bring_the_function_type():
    text = ("Resources:\n  Base: &base\n    Type: AWS::Serverless::Function\n"
            "  Fn:\n    <<: *base\n    Properties:\n      Handler: app.handler\n")
    assert load_template(text)["Resources"]["Fn"]["Properties"]["Handler"] == "app.handler"


def test_repeated_scalars_resolve_to_the_same_types():
    text = "a: 10\nb: '10'\nc: true\nd: 'true'\ne: null\nf: 1.5\ng: 2024-01-01\n"
    first, second = load_yaml(text), load_yaml(text)  # the second reads the remembered tags
    assert first == second
    assert [type(v).__name__ for v in second.values()] == ["int", "str", "bool", "str", "NoneType", "float", "date"]


def test_content_check_skips_files_that_only_mention_the_type(tmp_path: Path):
    # a vendored API model names the type in a string; a JSON template and a flow-style YAML one declare it
    (tmp_path / "service-2.json").write_text('{"shapes": {"Doc": "e.g. AWS::Lambda::Function"}}')
    (tmp_path / "app.js").write_text("exports.handler = async () => {};\n")
    (tmp_path / "cfn.json").write_text('{"Resources": {"Fn": {"Type" : "AWS::Lambda::Function",\n'
                                       ' "Properties": {"Handler": "app.handler", "Runtime": "nodejs20.x", "Code": "."}}}}')
    (tmp_path / "flow.yaml").write_text("Resources:\n  Fn: {Type: 'AWS::Serverless::Function', Properties: "
                                        "{Handler: app.handler, Runtime: nodejs20.x}}\n")
    found = rows(discover(tmp_path), tmp_path)
    assert [(row[0], row[-1]) for row in found] == [("cfn.json", "app.js"), ("flow.yaml", "app.js")]


# -- blanking unread resources out of the text before libyaml composes it ----------------------

def _shape(value):
    """A loaded document with what `==` does not compare: where each mapping and key starts."""
    if isinstance(value, LineDict):
        return ("mapping", value.line, dict(value.key_lines), [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def _full_or_error(text: str):
    try:
        return _shape(cfn_yaml._load_pruned(text))
    except yaml.YAMLError as error:
        return ("error", str(error))


def _fast_or_error(text: str):
    try:
        return _shape(load_template(text))
    except yaml.YAMLError as error:
        return ("error", str(error))


YAML_TEMPLATES = [p for p in TEMPLATES if p.suffix != ".json"] + sorted((FIXTURES / "broken").rglob("*.yaml"))


@pytest.mark.parametrize("path", YAML_TEMPLATES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_blanking_unread_resources_gives_the_full_loader_result(path: Path):
    text = path.read_text()
    assert _fast_or_error(text) == _full_or_error(text)


def test_plain_templates_take_the_blanking_path():
    text = (FIXTURES / "sam-app" / "template.yaml").read_text()
    blanked, _ = cfn_yaml._blank_unread(text)
    assert blanked.count("\n") == text.count("\n") and "AWS::SQS::Queue" not in blanked
    assert "AWS::Serverless::Function" in blanked


_HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
_FUNCTION = "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n"
_QUEUE = "  Queue:\n    Type: AWS::SQS::Queue\n"
TRICKY = {
    "plain": _HEAD + _QUEUE + _FUNCTION + _QUEUE.replace("Queue:", "Other:") + "Outputs:\n  Arn:\n    Value: x\n",
    "yaml error in an unread resource": _HEAD + _FUNCTION + _QUEUE + "    Properties: [a, b\n",
    "undefined alias in an unread resource": _HEAD + _FUNCTION + _QUEUE + "    Properties: *missing\n",
    "anchor in an unread resource used by a function": _HEAD + "  Queue:\n    Type: AWS::SQS::Queue\n    Properties: &p\n"
    "      Handler: app.handler\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: *p\n",
    "second document": _HEAD + _FUNCTION + _QUEUE + "---\nResources: {}\n",
    "quoted scalar running over a resource key": _HEAD + _FUNCTION.replace("app.handler", '"app.\n  Queue:\n    Type: x"') + _QUEUE,
    "single-quoted scalar running over a resource key": _HEAD + _FUNCTION.replace("app.handler", "'app.\n  Queue:\n    Type: x'") + _QUEUE,
    "flow collection running over a resource key": _HEAD + _FUNCTION + "      Layers: [a,\n  Queue: b,\n    c]\n" + _QUEUE,
    "flow mapping on one line": _HEAD + _FUNCTION + "      Tags: {a: '[', b: [1, {c: 2}]}\n" + _QUEUE,
    "kept block scalar before an unread resource": _HEAD + _FUNCTION + "      Description: |+\n        text\n\n" + _QUEUE,
    "quoted and tagged type": _HEAD + "  Fn:\n    Type: 'AWS::Lambda::Function'\n    Properties: {Handler: a.b}\n"
    "  Other:\n    Type: !Sub AWS::SQS::Queue\n  Q:\n    Type: \"AWS::SQS::Queue\" # a queue\n",
    "merge key before the type": _HEAD + _FUNCTION + "  Q:\n    <<: {Type: AWS::Serverless::Function}\n    Type: AWS::SQS::Queue\n",
    "unread properties of a function": _HEAD + _QUEUE + _FUNCTION.replace("      Handler", "      Events:\n        Api:\n"
    "          Type: Api\n      Policies:\n      - AWSLambdaBasicExecutionRole\n      Handler") + "      Timeout: 3\n"
    "      Environment:\n        Variables: {A: 'b'}\n" + _QUEUE.replace("Queue:", "Other:"),
    "only unread properties": _HEAD + "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 3\n      Tags: []\n",
    "a property key not plain": _HEAD + _FUNCTION + "      'Events': {}\n      Timeout: 3\n",
    "a quoted merge key in a function": _HEAD + _FUNCTION + "      Timeout: 3\n    '<<': {Metadata: {}}\n",
    "a merge key in the properties": _HEAD + _FUNCTION + "      <<: {Timeout: 3}\n      Layers: []\n",
    "properties twice": _HEAD + _FUNCTION + "      Timeout: 3\n    Properties:\n      Timeout: 4\n      Runtime: nodejs20.x\n",
    "a line between the properties and their keys": _HEAD + "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    "        Handler: a.b\n      Timeout: 3\n",
    "an undefined alias after a JSON-like key in an unread property": _HEAD + _FUNCTION + '      Events: {"a" :&p 1, "b": *q}\n',
    "an undefined alias after a flow key": _HEAD + _FUNCTION + '      Events: [{a: 1} :*q]\n',
    "a substitution before a colon and a star": _HEAD + _FUNCTION + "      Policies: !Sub 'arn:${AWS::AccountId}:*'\n" + _QUEUE,
    "type not first": _HEAD + _FUNCTION + "  Q:\n    Properties: {}\n    Type: AWS::SQS::Queue\n",
    "every resource unread": _HEAD + _QUEUE + "Description: AWS::Lambda::Function\n",
    "resources twice": _HEAD + _QUEUE + _FUNCTION + "Resources:\n" + _QUEUE + _FUNCTION.replace("Fn:", "Gn:"),
    "windows line ends": (_HEAD + _QUEUE + _FUNCTION).replace("\n", "\r\n"),
    "comments and blank lines": "# head\n\n" + _HEAD + "  # a queue\n" + _QUEUE + "\n  # the function\n" + _FUNCTION + "# end\n",
    "deeper indentation": _HEAD.replace("Resources:", "Resources:  # all") + _QUEUE.replace("  ", "    ") + _FUNCTION.replace("  ", "    "),
    "line without a final newline": _HEAD + _FUNCTION + _QUEUE.rstrip("\n"),
    "quote in a comment": _HEAD + _FUNCTION + "  # it is 'quoted\n" + _QUEUE,
    "scalars, tags and merges in a kept function": _HEAD + _QUEUE + _FUNCTION + "      Timeout: 30\n      Tracing: true\n"
    "      Since: 2024-01-01\n      Ratio: 1.5\n      Empty:\n      Text: !!str 12\n      Arn: !GetAtt Fn.Arn\n"
    "      Sub: !Sub ['${A}', {A: b}]\n      Merged:\n        <<: {x: 1}\n        y: 2\n      List:\n        - a\n"
    "        - {b: [1, 2]}\n      ? [complex]\n      : dropped\n",
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_blanking_matches_the_full_loader_on_unusual_yaml(text: str):
    assert _fast_or_error(text) == _full_or_error(text)


def test_blanking_is_refused_where_lines_do_not_stand_alone():
    refused = [name for name, text in TRICKY.items() if cfn_yaml._blank_unread(text) is None]
    assert set(refused) >= {
        "yaml error in an unread resource", "undefined alias in an unread resource", "second document",
        "anchor in an unread resource used by a function", "quoted scalar running over a resource key",
        "single-quoted scalar running over a resource key", "flow collection running over a resource key",
        "every resource unread", "windows line ends", "quote in a comment",
        "an undefined alias after a JSON-like key in an unread property", "an undefined alias after a flow key",
    }
    assert not {"plain", "flow mapping on one line", "a substitution before a colon and a star"} & set(refused)


def test_blanking_drops_the_unread_properties_of_a_function():
    blanked, _ = cfn_yaml._blank_unread(TRICKY["unread properties of a function"])
    assert "Events" not in blanked and "Policies" not in blanked and "Environment" not in blanked
    assert "Handler: app.handler" in blanked and "Runtime" in blanked
    assert "Timeout" not in cfn_yaml._blank_unread(TRICKY["properties twice"])[0]


def test_a_candidate_that_fails_to_read_is_left_to_discover(tmp_path, monkeypatch):
    """In a worker, one deployment file whose reading raises must not lose the others (or the run):
    it is left out of the readings, and `discover` in the parent reads it and reports it itself."""
    from lambda_leak.iac import discovery

    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    for path in (good, bad):
        path.write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: app.run\n")
    real = discovery._read

    def failing(name, *args):
        if name == str(bad):
            raise RuntimeError("boom")
        return real(name, *args)

    monkeypatch.setattr(discovery, "_read", failing)
    readings = discovery.read_candidates([(str(good), tmp_path), (str(bad), tmp_path)])
    assert list(readings) == [str(good)] and readings[str(good)].stamp is not None


def test_an_alias_the_blanking_misses_gets_the_full_loaders_error():
    """`{"a" :&p {"b" :*p}}`: an anchor after a spaced colon; the full loader's error, not a RecursionError."""
    import yaml

    from lambda_leak.iac import cfn_yaml

    text = ('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n'
            '    Properties:\n      Handler: app.run\n      CodeUri: {"a" :&p {"b" :*p}}\n'
            '  Queue:\n    Type: AWS::SQS::Queue\n')
    assert cfn_yaml._blank_unread(text) is None
    with pytest.raises(yaml.YAMLError):
        cfn_yaml.load_template(text)


def test_a_bad_value_in_a_property_no_reader_uses_does_not_cost_the_template():
    """Like a bad value in an unread resource, one in a function property no reader uses (here
    `Timeout`) is blanked before libyaml builds anything: the function is still declared."""
    text = (
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Handler: app.handler\n"
        "      Timeout: !!int notanint\n"
    )
    with pytest.raises(ValueError):
        load_yaml(text)  # the full reader builds every value
    assert load_template(text)["Resources"]["Fn"]["Properties"]["Handler"] == "app.handler"


# -- the blanking's quick checks, against what they stand for ------------------------------------
# The single patterns the blanking's pairs of patterns replace (each of a pair starts with the
# character it looks for: `re` scans for it quickly).
_ANCHOR_OR_ALIAS = re.compile(r"""[&*](?<![^\s\[{,?][&*])""")
_OPEN_QUOTE = re.compile(r"""(?:"(?<!\S")(?:[^"\\\n]++|\\.)*+\\?|'(?<!\S')(?:[^'\n]++|'')*+)(?:\n|\Z)""")
_YAML_CHARACTERS = " \n\n  &*'\"\\[]{},?:#-!|>x$"


def _edited(text: str, rng: random.Random) -> str:
    """`text` with a few characters that matter to YAML put in, taken out, or lines swapped."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(text))
        choice = rng.random()
        if choice < 0.5:
            text = text[:at] + rng.choice(_YAML_CHARACTERS) * rng.randint(1, 2) + text[at:]
        elif choice < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3):]
        else:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def _texts_and_edits(count: int) -> list[str]:
    rng = random.Random(13)
    texts = [p.read_text() for p in YAML_TEMPLATES] + list(TRICKY.values())
    return texts + [_edited(rng.choice(texts), rng) for _ in range(count)]


def test_the_pairs_of_patterns_match_where_the_single_ones_do():
    rng = random.Random(7)
    noise = ["".join(rng.choice(_YAML_CHARACTERS) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in _texts_and_edits(1000) + noise:
        assert cfn_yaml._any_match(cfn_yaml._ANCHORS_OR_ALIASES, text) == (_ANCHOR_OR_ALIAS.search(text) is not None)
        assert cfn_yaml._any_match(cfn_yaml._OPEN_QUOTES, text) == (_OPEN_QUOTE.search(text) is not None)


def test_a_bracket_right_after_a_character_of_a_scalar_starts_no_node():
    """`_flows_close_on_their_lines` skips such brackets without asking `_starts_node`."""
    for text in _texts_and_edits(500):
        for found in cfn_yaml._BRACKET.finditer(text):
            if found.start() and not text[found.start() - 1].isspace():
                assert not cfn_yaml._starts_node(text[text.rfind("\n", 0, found.start()) + 1 : found.start()])


def test_blanking_matches_the_full_loader_on_random_edits():
    for text in _texts_and_edits(1500):
        assert _fast_or_error(text) == _full_or_error(text), text


def test_building_the_tree_directly_matches_the_loader_on_random_edits():
    """`_construct_tree` (strings, mappings, lists, plain scalars and short-form tags built
    without `construct_object`) against libyaml's own `construct_document`, anchors aside."""
    for text in _texts_and_edits(1500):
        if _any_match_anchor(text):
            continue
        try:
            expected = _shape(cfn_yaml._load_pruned(text))
        except (yaml.YAMLError, ValueError, TypeError) as error:
            expected = ("error", type(error), str(error))
        try:
            found = _shape(cfn_yaml._load_pruned(text, cfn_yaml._construct_tree))
        except (yaml.YAMLError, ValueError, TypeError) as error:
            found = ("error", type(error), str(error))
        assert found == expected, text


def test_the_pruned_template_declares_what_the_full_document_declares_on_random_edits():
    """Whatever the pruning drops (resources, properties, sections) no reader reads: where the full
    document builds, the pruned one declares the same functions, on the same lines. (Not where a
    mapping repeats a key: the pruning takes a resource's first `Type`, the full reader its last.)"""
    path = Path("template.yaml")
    compared = 0
    for text in _texts_and_edits(1500):
        try:
            full = templates.declarations(load_yaml(text), path)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            continue
        if _repeats_a_key(yaml.compose(text, Loader=cfn_yaml.TemplateLoader)):
            continue
        assert templates.declarations(load_template(text), path) == full, text
        compared += 1
    assert compared > 500


def _repeats_a_key(node) -> bool:
    if isinstance(node, yaml.MappingNode):
        keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
        if len(keys) != len(set(keys)):
            return True
        return any(_repeats_a_key(key) or _repeats_a_key(value) for key, value in node.value)
    if isinstance(node, yaml.SequenceNode):
        return any(_repeats_a_key(child) for child in node.value)
    return False


def _any_match_anchor(text: str) -> bool:
    return "&" in text or "*" in text


def test_a_properties_mapping_the_pruning_leaves_whole_is_the_node_it_would_rebuild():
    """`_only_read` hands back the node itself when it would rebuild it with the same keys,
    marks and style (the blanking already dropped the unread keys)."""
    def rebuilt(node):  # what `_only_read` built before it kept whole nodes
        kept = [(k, v) for k, v in node.value if not isinstance(k, yaml.ScalarNode) or k.value in cfn_yaml.FUNCTION_PROPERTIES or k.value == "<<"]
        return kept and yaml.MappingNode(node.tag, kept, kept[0][0].start_mark, node.end_mark, node.flow_style)

    def fields(node):
        return node.tag, node.value, node.start_mark.index, node.end_mark.index, node.flow_style

    reused = 0
    for text in _texts_and_edits(800):
        try:
            root = yaml.compose(text, Loader=cfn_yaml.TemplateLoader)
        except yaml.YAMLError:
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                stack.extend(value for _, value in node.value)
                if node.tag == yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG and (expected := rebuilt(node)):
                    found = cfn_yaml._only_read(node)
                    assert fields(found) == fields(expected)
                    reused += found is node
    assert reused > 100


def test_a_resource_typed_at_once_is_one_the_line_by_line_reading_blanks(monkeypatch):
    """`_typed_as_no_function` (one match for the common resource) only ever says what
    `_not_a_function` would: the blanking is the same without it, on fixtures and random edits."""
    texts = _texts_and_edits(1500)
    fast = [cfn_yaml._blank_unread(text) for text in texts]
    monkeypatch.setattr(cfn_yaml, "_typed_as_no_function", lambda *args: False)
    assert [cfn_yaml._blank_unread(text) for text in texts] == fast
    assert sum(blanked is not None for blanked in fast) > 100
