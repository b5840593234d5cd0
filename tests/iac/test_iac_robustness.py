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
NAMES = ["template.yaml", "serverless.yml", "stack.json", "stack.ts", "stack.py"]
CDK_PREFIX = {"stack.ts": "import * as lambda from 'aws-cdk-lib/aws-lambda';\nnew lambda.Function(", "stack.py": "from aws_cdk import aws_lambda\naws_lambda.Function("}


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
