"""Deployment files read ahead (in `check`'s worker processes) give `discover` the same answers."""

from __future__ import annotations

import pickle
from pathlib import Path

from iac_helpers import FIXTURES, rows

from lambda_leak.iac import HandlerDiscovery, discover


def test_discovery_after_reading_ahead_finds_what_it_finds_alone():
    root = FIXTURES.resolve()
    alone = HandlerDiscovery()
    expected = rows(alone.discover(root), root)
    assert expected  # the fixtures declare handlers in every format
    ahead = HandlerDiscovery()
    names = ahead.candidates(root)
    # two workers, each reading half; their entries cross a process boundary pickled
    read = [pickle.loads(pickle.dumps(HandlerDiscovery().read_ahead([(n, root) for n in names[i::2]]))) for i in range(2)]
    for entries in read:
        ahead.remember(entries)
    assert rows(ahead.discover(root), root) == expected


def test_programs_that_may_declare_handlers_are_left_to_discover(tmp_path: Path):
    (tmp_path / "stack.ts").write_text("import * as lambda from 'aws-cdk-lib/aws-lambda';\nnew lambda.Function(this, 'Fn', {});\n")
    (tmp_path / "util.ts").write_text("export const add = (a: number, b: number) => a + b;\n")
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "fn" {\n  handler = "index.handler"\n}\n')
    (tmp_path / "template.yaml").write_text("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
                                            "    Properties:\n      Handler: app.handler\n      Runtime: nodejs20.x\n")
    (tmp_path / "app.js").write_text("exports.handler = async () => {};\n")
    reader = HandlerDiscovery()
    read = reader.read_ahead([(n, tmp_path) for n in reader.candidates(tmp_path)])
    # the template and the files dismissed by their bytes are read; the CDK stack and Terraform are not
    assert sorted(Path(n).name for n in read) == ["app.js", "template.yaml", "util.ts"]
    reader.remember(read)
    root = tmp_path.resolve()
    assert rows(reader.discover(tmp_path), root) == rows(discover(tmp_path), root)
    assert {row[0] for row in rows(reader.discover(tmp_path), root)} == {"main.tf", "template.yaml"}
