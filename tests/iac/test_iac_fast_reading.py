"""The fast paths of reading deployment files give the same answers as the full reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from iac_helpers import FIXTURES, rows

from lambda_leak.iac import discover, templates
from lambda_leak.iac.cfn_yaml import load_json, load_template, load_yaml

TEMPLATES = sorted(p for p in FIXTURES.rglob("*") if "broken" not in p.parts and p.suffix in (".yaml", ".yml", ".json", ".template")
                   and "serverless" not in p.name and p.name not in ("package.json", "tsconfig.json", "cdk.json"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_pruned_template_declares_what_the_full_document_declares(path: Path):
    text = path.read_text()
    full, pruned = (load_json(text), load_json(text, template=True)) if path.suffix == ".json" else (
        load_yaml(text), load_template(text))
    assert templates.declarations(pruned, path) == templates.declarations(full, path)


def test_pruned_template_keeps_function_resources_whole_and_drops_the_rest():
    text = (FIXTURES / "sam-app" / "template.yaml").read_text()
    full, pruned = load_yaml(text), load_template(text)
    kept = {name for name, r in full["Resources"].items()
            if r.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")}
    assert kept and set(pruned["Resources"]) == kept
    for name in kept:
        assert pruned["Resources"][name] == full["Resources"][name]
        assert pruned["Resources"][name].key_lines == full["Resources"][name].key_lines
    assert "Outputs" not in pruned and pruned["Globals"] == full["Globals"]


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
