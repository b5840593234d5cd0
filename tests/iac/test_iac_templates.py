"""SAM and CloudFormation templates, YAML (with short-form tags) and JSON."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from iac_helpers import FIXTURES, line_of, rows

from lambda_leak.iac import discover
from lambda_leak.iac.cfn_yaml import load_yaml


def test_sam_template_with_globals_codeuri_intrinsics_and_esbuild():
    root = FIXTURES / "sam-app"
    template = root / "template.yaml"
    got = rows(discover(root), root)
    t = "template.yaml"
    assert got == [
        (t, line_of(template, "Handler: app.lambdaHandler"), t, "lambdaHandler", "lambdaHandler", "nodejs20.x", "hello-world/app.ts"),
        (t, line_of(template, "Handler: handlers/orders.api.process"), t, "api.process", "api", "nodejs20.x", "src/handlers/orders.mjs"),
        # Handler and Runtime from Globals.Function; CodeUri from !Sub of a parameter default
        (t, line_of(template, "Handler: index.handler"), t, "handler", "handler", "nodejs20.x", "functions/jobs/index.js"),
        (t, line_of(template, "Handler: pkg.mod.lambda_handler"), t, "lambda_handler", "lambda_handler", "python3.12", "py_src/pkg/mod.py"),
        # esbuild drops the entry point's folder: Handler index.handler is bundled/src/index.ts
        (t, line_of(template, "Handler: index.handler", 2), t, "handler", "handler", "nodejs20.x", "bundled/src/index.ts"),
        (t, line_of(template, "Handler: archived.handler"), t, "handler", "handler", "nodejs20.x", None),  # s3:// code
        (t, line_of(template, "Handler: handlers/gone.handler"), t, "handler", "handler", "nodejs20.x", None),  # no such file
    ]  # JavaFunction (java21) and ImageFunction (PackageType: Image) are not reported


def test_every_short_form_tag_loads_as_its_long_form():
    document = load_yaml((FIXTURES / "sam-app" / "template.yaml").read_text())
    conditions = document["Conditions"]
    assert conditions["IsProd"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    assert conditions["NotProd"] == {"Fn::Not": [{"Condition": "IsProd"}]}
    assert conditions["Both"] == {
        "Fn::And": [{"Condition": "IsProd"}, {"Fn::Or": [{"Condition": "NotProd"}, {"Condition": "IsProd"}]}]
    }
    orders = document["Resources"]["OrdersFunction"]["Properties"]
    assert orders["Layers"] == [
        {"Fn::Join": [":", ["arn:aws:lambda", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "layer:shared:3"]]}
    ]
    assert orders["MemorySize"] == {"Fn::If": ["IsProd", 1024, 256]}
    assert orders["VpcConfig"]["SubnetIds"] == {"Fn::Split": [",", {"Fn::ImportValue": "private-subnets"}]}
    assert orders["VpcConfig"]["SecurityGroupIds"] == [{"Fn::Select": [0, {"Fn::GetAZs": ""}]}]
    assert orders["Environment"]["Variables"]["CIDR"] == {"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}]}
    assert orders["Environment"]["Variables"]["CONFIG"] == {"Fn::Base64": '{"retries": 3}'}
    variables = document["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["QUEUE_URL"] == {"Fn::GetAtt": ["OrdersQueue", "QueueUrl"]}
    assert variables["LOG_LEVEL"] == {"Fn::FindInMap": ["StageConfig", {"Ref": "Stage"}, "LogLevel"]}
    transform = document["Resources"]["TransformedConfig"]["Properties"]["Value"]
    assert transform == {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://bucket/x.yaml"}}}
    assert document["Outputs"]["Prod"]["Value"] == {"Fn::GetAtt": ["OrdersFunction", "Arn"]}


def test_unknown_tags_load_too():
    assert load_yaml("a: !Vault secret/x\nb: !Include [x, y]\n") == {"a": {"Fn::Vault": "secret/x"}, "b": {"Fn::Include": ["x", "y"]}}


def test_cloudformation_json_with_tabs_code_paths_inline_and_s3():
    root = FIXTURES / "cfn-json"
    stack = root / "stack.json"
    s = "stack.json"
    assert rows(discover(root), root) == [
        (s, line_of(stack, '"Handler": "index.handler"'), s, "handler", "handler", "nodejs18.x", "lambda/index.cjs"),
        # Fn::Sub of a parameter with a default
        (s, line_of(stack, '"Handler": {"Fn::Sub"'), s, "handle", "handle", "python3.11", "workers/consumer.py"),
        (s, line_of(stack, '"Handler": "index.handler"', 2), s, "handler", "handler", "nodejs20.x", None),  # ZipFile
        (s, line_of(stack, '"Handler": "main.run"'), s, "run", "run", "nodejs20.x", None),  # S3 code
    ]


def test_broken_yaml_is_skipped_with_a_message(caplog):
    root = FIXTURES / "broken"
    with caplog.at_level(logging.WARNING, logger="lambda_leak.iac"):
        assert discover(root) == []
    assert any("template.yaml" in r.getMessage() and "cannot parse" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "name, text",
    [
        ("bad.json", '{"Resources": {"F": {"Type": "AWS::Lambda::Function", '),
        ("latin1.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Description: caf\xe9\n"),
        ("list.yaml", "- AWS::Lambda::Function\n- Handler: x.y\n"),
        ("scalar.yml", "AWS::Serverless::Function\n"),
        ("weird.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: [1, 2]\n  G: 3\n  ? [a, b]\n  : c\n"),
        ("handlerless.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: !GetAtt X.Y\n"),
    ],
)
def test_odd_or_broken_files_never_raise(tmp_path: Path, name: str, text: str):
    encoding = "latin-1" if name.startswith("latin1") else "utf-8"
    (tmp_path / name).write_bytes(text.encode(encoding))
    assert discover(tmp_path) == []


def test_yaml_that_mentions_lambda_but_is_not_a_template_is_ignored(tmp_path: Path):
    (tmp_path / "workflow.yml").write_text(
        "name: deploy\non: push\njobs:\n  x:\n    steps:\n      - run: echo AWS::Lambda::Function\n"
        "functions:\n  Type: AWS::Serverless::Function\n  Handler: a.b\n"
    )
    assert discover(tmp_path) == []


def test_build_and_dependency_folders_are_skipped(tmp_path: Path):
    shutil.copytree(FIXTURES / "sam-app", tmp_path / "app")
    for skipped in (".aws-sam/build", "node_modules/some-lib", "cdk.out", "dist", ".serverless"):
        shutil.copy(FIXTURES / "sam-app" / "template.yaml", (tmp_path / "app" / skipped).mkdir(parents=True) or tmp_path / "app" / skipped / "template.yaml")
    found = discover(tmp_path)
    assert {h.declared_in for h in found} == {tmp_path.resolve() / "app" / "template.yaml"}
    assert len(found) == 7


def test_handler_line_points_at_the_resource_when_it_comes_from_globals(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Function:\n    Handler: main.handler\n    Runtime: python3.13\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
    )
    (tmp_path / "main.py").write_text("def handler(event, context):\n    return 1\n")
    [handler] = discover(tmp_path)
    # No Properties at all: CodeUri defaults to the template folder; the line is the Globals Handler.
    assert (handler.source_file, handler.export_name, handler.runtime, handler.line) == (
        tmp_path.resolve() / "main.py", "handler", "python3.13", 3)


def test_dot_template_files_in_json_with_tabs(tmp_path: Path):
    (tmp_path / "api.template").write_text(
        '{\n\t"Resources": {\n\t\t"F": {\n\t\t\t"Type": "AWS::Lambda::Function",\n'
        '\t\t\t"Properties": {"Handler": "app.main", "Runtime": "nodejs22.x", "Code": "."}\n\t\t}\n\t}\n}\n'
    )
    (tmp_path / "app.js").write_text("exports.main = async () => 1;\n")
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("api.template", 4, "api.template", "main", "main", "nodejs22.x", "app.js")
    ]


def test_handler_and_code_uri_from_parameters_ref_and_sub_list_form(tmp_path: Path):
    (tmp_path / "template.yml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Entry: {Type: String, Default: api.main}\n  Dir: {Type: String, Default: services}\n"
        "  NoDefault: {Type: String}\n"
        "Resources:\n"
        "  A:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: !Ref Entry\n      Runtime: nodejs22.x\n      CodeUri: !Sub ['${Root}/${Dir}', {Root: code}]\n"
        "  B:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: !Ref NoDefault\n      Runtime: nodejs22.x\n"
        "  C:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: x.main\n      Runtime: nodejs22.x\n      CodeUri: !Sub '${AWS::Region}/x'\n"
    )
    (tmp_path / "code" / "services").mkdir(parents=True)
    (tmp_path / "code" / "services" / "api.ts").write_text("export const main = async () => 1;\n")
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("template.yml", 9, "template.yml", "main", "main", "nodejs22.x", "code/services/api.ts"),
        # B: a parameter without a default is only known at deploy time; C: a pseudo parameter in CodeUri
        ("template.yml", 20, "template.yml", "main", "main", "nodejs22.x", None),
    ]


def test_capacity_provider_marks_managed_instances(tmp_path):
    """SAM `CapacityProviderConfig.Arn` and CloudFormation's
    `CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn` put a
    function on Lambda Managed Instances; the declared handler carries it next to its runtime."""
    (tmp_path / "src").mkdir()
    for name in ("sam", "cfn", "plain", "s3"):
        (tmp_path / "src" / f"{name}.js").write_text("exports.handler = async () => 1;\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Sam:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: sam.handler\n      Runtime: nodejs22.x\n      CodeUri: src/\n"
        "      CapacityProviderConfig:\n        Arn: !GetAtt Pool.Arn\n"
        "  Cfn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Handler: cfn.handler\n      Runtime: nodejs22.x\n      Code: src/\n"
        "      CapacityProviderConfig:\n        LambdaManagedInstancesCapacityProviderConfig:\n"
        "          CapacityProviderArn: !Ref PoolArn\n"
        "  Plain:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: plain.handler\n      Runtime: nodejs22.x\n      CodeUri: src/\n"
        "  S3:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: s3.handler\n      Runtime: nodejs22.x\n      CodeUri: s3://bucket/code.zip\n"
        "      CapacityProviderConfig: {Arn: arn:aws:lambda:eu-west-1:1:capacity-provider:pool}\n"
    )
    by_line = {h.line: h for h in discover(tmp_path)}
    template = tmp_path / "template.yaml"
    got = {name: (by_line[line_of(template, f"Handler: {name}.handler")].managed_instances,
                  by_line[line_of(template, f"Handler: {name}.handler")].deployed_runtime)
           for name in ("sam", "cfn", "plain", "s3")}
    managed = (True, "nodejs22.x on Lambda Managed Instances")
    assert got == {"sam": managed, "cfn": managed, "plain": (False, "nodejs22.x"), "s3": managed}
    assert {h.runtime for h in by_line.values()} == {"nodejs22.x"}  # the runtime itself stays as declared
