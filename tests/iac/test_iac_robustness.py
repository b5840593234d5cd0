"""Whatever a deployment file contains, discovery returns a list and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_leak.iac import discover

PIECES = [
    "AWSTemplateFormatVersion: '2010-09-09'\n", "Resources:\n", "  F:\n", "    Type: AWS::Serverless::Function\n",
    "    Type: AWS::Lambda::Function\n", "    Properties:\n", "      Handler: app.handler\n", "      Handler: !Sub '${X}.h'\n",
    "      CodeUri: !Ref Code\n", "      CodeUri: ../../..\n", "      Code: {ZipFile: x}\n", "      Runtime: [python3.12]\n",
    "Globals:\n", "  Function: 3\n", "Parameters: {X: {Default: [1]}}\n", "functions:\n", "  a: {handler: ${file(x)}}\n",
    "  - ${file(./serverless.yml)}\n", "&a [*a]\n", "!Ref\n", "- ", ": ", "{", "}", "[", "]", "\t", "'", '"', "\n", "\\", "é",
]
NAMES = ["template.yaml", "serverless.yml", "stack.json", "stack.ts", "stack.py", "sst.config.ts", "pulumi.ts", "pulumi.py"]
CDK_PREFIX = {
    "stack.ts": "import * as lambda from 'aws-cdk-lib/aws-lambda';\nnew lambda.Function(",
    "stack.py": "from aws_cdk import aws_lambda\naws_lambda.Function(",
    "sst.config.ts": "new sst.aws.Function('F', { handler: ",
    "pulumi.ts": "import * as aws from '@pulumi/aws';\nnew aws.lambda.Function('f', { handler: ",
    "pulumi.py": "import pulumi_aws as aws\naws.lambda_.Function('f', handler=",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), pieces=st.lists(st.sampled_from(PIECES), max_size=25))
def test_discovery_never_raises(name: str, pieces: list[str]):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / name).write_text(CDK_PREFIX.get(name, "") + "".join(pieces), encoding="utf-8")
        result = discover(root)
        assert isinstance(result, list)
        for handler in result:
            assert handler.declared_in.parent == root.resolve()
            assert handler.line >= 0


TF_PIECES = [
    'resource "aws_lambda_function" "f" {\n', 'module "m" {\n', '  source = "terraform-aws-modules/lambda/aws"\n',
    "  handler = ", '"app.handler"', "local.h", "var.h", "each.value", "each.value.h", "local.m[each.key]", "\n",
    "  for_each = ", "local.m", "toset([", '"a"', "])", "{ a = { h = \"x.y\" } }", "  filename = ", '"${path.module}/a.zip"',
    "data.archive_file.z.output_path", "  source_path = ", '[{ path = "src" }]', "  runtime = ", '"nodejs20.x"',
    "}\n", "locals {\n", "  h = ", "  m = ", 'variable "h" {\n', "  default = ", "null", "var.h == null ? ", " : ",
    'data "archive_file" "z" {\n', '  source_dir = "src"\n', "local.a", "  a = local.a\n", "${", "%{ if x }", "<<EOT\n",
    "EOT\n", "[", "]", "{", "}", ",", '"', "\\", "#", "/*", "é", "\t", "merge(", "lookup(", ")", "1", "true", "!",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(TF_PIECES), max_size=40), tfvars=st.lists(st.sampled_from(TF_PIECES), max_size=6))
def test_terraform_discovery_never_raises(pieces: list[str], tfvars: list[str]):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "main.tf").write_text("".join(pieces), encoding="utf-8")
        (root / "terraform.tfvars").write_text("h = " + "".join(tfvars), encoding="utf-8")
        result = discover(root)
        assert isinstance(result, list)
        for handler in result:
            assert handler.declared_in == (root / "main.tf").resolve()
            assert handler.unresolved is None or (handler.source_file is None and handler.export_path == "")
