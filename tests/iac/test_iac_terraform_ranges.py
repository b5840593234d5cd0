"""Terraform files are parsed only where `_parse` reads them (`terraform._read_ranges`): the blocks
it reads give the same facts, at the same positions, as a parse of the whole file; any layout the
split cannot be sure of is parsed whole. (A syntax error in a block it skips is not seen, and the
blocks after it are read as written: pinned below.)"""

from __future__ import annotations

import pytest

from lambda_leak.iac import terraform

FUNCTION = '''resource "aws_lambda_function" "api" {
  function_name = "api"
  handler       = local.handler
  runtime       = var.runtime
  filename      = data.archive_file.api.output_path
}
'''

ROLE_WITH_POLICY = '''resource "aws_iam_role" "api" {
  name = "api"
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{"Action": "sts:AssumeRole", "Resource": "arn:aws:s3:::bucket/*"}]
}
EOF
}
'''

SHARED = '''locals {
  handler = "index.handler"
}

variable "runtime" {
  default = "nodejs20.x"
}
variable "empty" {}

data "archive_file" "api" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/api.zip"
}
'''

PERMISSION = '''resource "aws_lambda_permission" "api" {
  function_name = aws_lambda_function.api.function_name
  source_arn    = "${aws_apigatewayv2_api.api.execution_arn}/*/*"
}
output "name" { value = aws_lambda_function.api.function_name }
'''

POLICY_DOCUMENT = '''resource "aws_iam_role_policy" "api" {
  role = aws_iam_role.api.id
  policy = jsonencode({
    Statement = [{
      Effect = "Allow"
    }]
  })
}
'''

MODULE_CALL = '''module "worker" {
  source  = "./modules/worker"
  handler = "worker.handler"
}

module "lambda" {
  source        = "terraform-aws-modules/lambda/aws"
  handler       = "app.handler"
  runtime       = "python3.12"
  source_path   = "src"
}
'''

SPLIT = {  # laid out as `terraform fmt` writes it: parsed in ranges
    "heredoc policy": ROLE_WITH_POLICY + "\n" + FUNCTION,
    "shared values around": SHARED + "\n" + PERMISSION + FUNCTION,
    "comments between blocks": "/* generated\n}\n*/\n# the API\n" + POLICY_DOCUMENT + "// next\n" + FUNCTION + MODULE_CALL,
    "one-line blocks": 'data "aws_caller_identity" "current" {}\n\nprovider "aws" { region = "us-east-1" }\n' + FUNCTION,
    "nothing read": ROLE_WITH_POLICY + PERMISSION,
    "no line break at the end": FUNCTION + ROLE_WITH_POLICY.rstrip("\n"),
    "windows line ends": (SHARED + PERMISSION + ROLE_WITH_POLICY + FUNCTION).replace("\n", "\r\n"),
}

WHOLE = {  # what the split cannot be sure of: parsed whole
    "every block read": SHARED + FUNCTION,
    "statement between blocks": FUNCTION + 'x = 1\n' + ROLE_WITH_POLICY,
    "a closing brace indented": 'resource "aws_iam_role" "r" {\n  name = "r"\n  }\n' + FUNCTION,
    "heredoc never ends": FUNCTION + ROLE_WITH_POLICY.replace("\nEOF\n", "\n"),
    "a comment holding a closing line": FUNCTION.replace('  runtime', '  /* note:\n}\n*/\n  runtime') + ROLE_WITH_POLICY,
    "a body opened on its head's line": 'resource "aws_iam_role" "r" { name = "r"\n}\n' + FUNCTION,
    "a comment opened in a skipped block": 'resource "aws_iam_role" "r" {\n  /*\n}\n' + FUNCTION.replace(
        '"index.handler"', '"index.handler" # */'),
    "an indented closing brace before unquoted labels": 'resource "aws_iam_role" "r" {\n  name = "r"\n  }\n'
        + FUNCTION.replace('resource "aws_lambda_function" "api"', "resource aws_lambda_function api"),
}

BROKEN_INSIDE_READ_BLOCK = {  # split, but the ranges do not parse: the whole text decides
    "an attribute without a value": FUNCTION.replace("local.handler", "") + ROLE_WITH_POLICY,
    "unclosed string": FUNCTION.replace('= "api"', '= "api', 1) + ROLE_WITH_POLICY,
}


def facts_of(data: bytes, monkeypatch, whole: bool):
    if whole:
        monkeypatch.setattr(terraform, "_read_ranges", lambda data: None)
    facts = terraform._parse(data, tfvars=False)
    monkeypatch.undo()

    def shown(node):
        return None if node is None else (node.start_point, node.end_point, node.text)

    return {
        "locals": {k: shown(v) for k, v in facts.locals.items()},
        "variables": {k: shown(v) for k, v in facts.variables.items()},
        "archives": {k: {a: shown(v) for a, v in attrs.items()} for k, attrs in facts.archives.items()},
        "functions": [(kind, shown(body)) for kind, body in facts.functions],
        "module_calls": [(source, shown(body)) for source, body in facts.module_calls],
        "error_line": facts.error_line,
    }


@pytest.mark.parametrize("name", sorted(SPLIT))
def test_the_blocks_read_are_parsed_alone_with_the_same_facts(name, monkeypatch):
    data = SPLIT[name].encode()
    ranges = terraform._read_ranges(data)
    assert ranges, "split into ranges"
    assert terraform._parse(data, tfvars=False).tree.included_ranges == ranges
    for block in ranges:
        text = data[block.start_byte:block.end_byte]
        assert text.startswith((b"resource \"aws_lambda_function\"", b"locals", b"variable", b"data \"archive_file\"", b"module")) or not text
        assert block.start_point[0] == data.count(b"\n", 0, block.start_byte)
        assert block.end_point[0] == data.count(b"\n", 0, block.end_byte)
    assert facts_of(data, monkeypatch, whole=False) == facts_of(data, monkeypatch, whole=True)


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_layouts_the_split_cannot_be_sure_of_are_parsed_whole(name):
    assert terraform._read_ranges(WHOLE[name].encode()) is None


@pytest.mark.parametrize("name", sorted(BROKEN_INSIDE_READ_BLOCK))
def test_ranges_that_do_not_parse_fall_back_to_the_whole_text(name, monkeypatch):
    data = BROKEN_INSIDE_READ_BLOCK[name].encode()
    assert terraform._read_ranges(data), "split into ranges"
    facts = terraform._parse(data, tfvars=False)
    assert [(r.start_byte, r.end_byte) for r in facts.tree.included_ranges] == [(0, 0xFFFFFFFF)], "parsed whole"
    assert facts.error_line == 2 if "without a value" in name else facts.error_line is not None
    assert facts_of(data, monkeypatch, whole=False) == facts_of(data, monkeypatch, whole=True)


def test_the_declarations_of_a_split_configuration_are_unchanged(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.js").write_text("exports.handler = async () => 1;\n")
    (tmp_path / "main.tf").write_text(ROLE_WITH_POLICY + FUNCTION + PERMISSION)
    (tmp_path / "shared.tf").write_text(SHARED + POLICY_DOCUMENT)
    split = terraform.declarations(tmp_path / "main.tf", tmp_path)
    terraform._cache.clear()
    monkeypatch.setattr(terraform, "_read_ranges", lambda data: None)
    whole = terraform.declarations(tmp_path / "main.tf", tmp_path)
    assert split == whole
    assert [(d.handler, d.runtime) for d in split] == [("index.handler", "nodejs20.x")]


def test_an_error_in_a_skipped_block_is_not_seen_and_the_blocks_after_it_are_read(monkeypatch):
    """A broken role before the function: a whole parse's recovery loses the function (and reports
    the error); the ranges read it as written, and the role is not read either way."""
    data = ('resource "aws_iam_role" "r" {\n  name = \n}\n' + FUNCTION).encode()
    split, whole = facts_of(data, monkeypatch, whole=False), facts_of(data, monkeypatch, whole=True)
    assert [kind for kind, _ in split["functions"]] == ["resource"] and split["error_line"] is None
    assert whole["functions"] == [] and whole["error_line"] == 2


def test_strings_holding_a_comment_opener_still_split():
    """`/*` in a string (an ARN's wildcard) opens no comment; one closed on its line is fine too."""
    data = (PERMISSION + 'resource "aws_s3_bucket_policy" "p" {\n  policy = "arn:aws:s3:::b/*" /* note */\n}\n'
            + FUNCTION).encode()
    assert terraform._read_ranges(data)
