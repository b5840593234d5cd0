"""Terraform: aws_lambda_function resources and terraform-aws-modules/lambda/aws module blocks, read with
tree-sitter-hcl; locals, variable defaults, tfvars and for_each evaluated only where they are literal."""

from __future__ import annotations

import logging
from pathlib import Path

from iac_helpers import FIXTURES, line_of, rows

from lambda_leak.iac import discover


def test_terraform_configuration_over_several_files():
    root = FIXTURES / "terraform-app"
    main = root / "main.tf"
    t = "main.tf"
    scaler_line = line_of(main, 'handler       = "index.${each.value.export}"')
    assert rows(discover(root), root) == [
        # data.archive_file.orders.output_path → its source_dir; the runtime from a local
        (t, line_of(main, 'handler          = "create.handler"'), t, "handler", "handler", "nodejs20.x", "functions/orders/create.js"),
        # for_each over a local map, each.value.export in a template; runtime = var default, overridden by terraform.tfvars
        (t, scaler_line, t, "scaleUp", "scaleUp", "nodejs20.x", "lambdas/scaler/src/lambda.ts"),
        (t, scaler_line, t, "scaleDown", "scaleDown", "nodejs20.x", "lambdas/scaler/src/lambda.ts"),
        # the module block: source_path as a list of objects
        (t, line_of(main, 'handler       = "build.main"'), t, "main", "main", "python3.12", "functions/reports/build.py"),
        # handler = var.audit_handler (a default); the zip's folder holds the source
        (t, line_of(main, "handler       = var.audit_handler"), t, "record", "record", "python3.13", "py/audit.py"),
        # var.plugin_handler has no default, for_each comes from a data source: unresolved, never guessed
        (t, line_of(main, "handler       = var.plugin_handler"), t, "", "", "nodejs22.x", None),
        (t, line_of(main, 'handler       = "ingest.handler"'), t, "", "", "nodejs22.x", None),
        # (java21 resizer: not code lambda-leak reads)
        (t, line_of(main, 'handler       = "app.generateInvoice"'), t, "generateInvoice", "generateInvoice", "nodejs22.x",
         "services/billing/src/app.ts"),
    ]
    unresolved = [h.unresolved for h in discover(root) if h.unresolved]
    assert unresolved == [
        "handler = var.plugin_handler is not known before deployment",
        "for_each = toset(data.aws_ssm_parameter.queues.value) is not a literal map or set",
    ]


def test_bundled_handlers_say_how_they_were_traced():
    hows = {h.export_name: h.how for h in discover(FIXTURES / "terraform-app")}
    assert hows["scaleUp"] == "index.js built from src/lambda.ts via ncc build in package.json scripts.build"
    assert hows["generateInvoice"] == "app.js built from src/app.ts via tsconfig outDir dist, rootDir src"
    assert hows["handler"] == hows["main"] == hows["record"] == ""  # found as named


def at(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_literal_values_functions_conditionals_and_lists(tmp_path: Path):
    tf = """
locals {
  settings = merge({ runtime = "nodejs18.x" }, { runtime = "nodejs22.x" })
  names    = ["a.go", "b.run"]
  enabled  = !false && true
}
variable "python" { default = "python3.12" }
resource "aws_lambda_function" "set" {
  for_each = toset(["alpha"])
  handler  = local.enabled ? local.names[0] : "wrong.go"
  runtime  = lookup(local.settings, "runtime", "nodejs16.x")
  filename = "fn/${each.key}.zip"
}
resource "aws_lambda_function" "py" {
  handler  = format("%s.%s", "b", "run")
  runtime  = var.python
  filename = "fn/b.zip"
}
resource "aws_lambda_function" "random" {
  handler  = "b.${uuid()}"
  runtime  = var.python
  filename = "fn/b.zip"
}
resource "aws_lambda_function" "legacy" {
  handler  = local.names.1
  runtime  = var.python
  filename = "fn/b.zip"
}
"""
    write(tmp_path, {"fn/a.js": "exports.go = async () => 1;\n", "fn/b.py": "def run(event, context):\n    pass\n", "lambda.tf": tf})
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("lambda.tf", at(tf, "local.enabled ?"), "lambda.tf", "go", "go", "nodejs22.x", "fn/a.js"),
        ("lambda.tf", at(tf, "format("), "lambda.tf", "run", "run", "python3.12", "fn/b.py"),
        # uuid(): not evaluated, so not guessed
        ("lambda.tf", at(tf, "uuid()"), "lambda.tf", "", "", "python3.12", None),
        ("lambda.tf", at(tf, "local.names.1"), "lambda.tf", "run", "run", "python3.12", "fn/b.py"),
    ]


def test_module_sources_images_and_packages(tmp_path: Path):
    tf = """
module "single_file" {
  source      = "registry.terraform.io/terraform-aws-modules/lambda/aws"
  handler     = "single.handler"
  runtime     = "python3.11"
  source_path = "${path.module}/src/single.py"
}
module "existing_package" {
  source                 = "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0"
  create_package         = false
  local_existing_package = "./pkg/existing/bundle.zip"
  handler                = "entry.handler"
  runtime                = "nodejs20.x"
}
module "not_lambda" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  handler = "nothing.here"
}
module "image" {
  source               = "terraform-aws-modules/lambda/aws"
  package_type         = "Image"
  image_config_command = ["app.handler"]
}
resource "aws_lambda_function" "container" {
  package_type = "Image"
  image_uri    = "123.dkr.ecr.eu-west-1.amazonaws.com/app:latest"
  image_config {
    command = ["worker.handle"]
  }
}
"""
    write(tmp_path, {
        "src/single.py": "def handler(event, context):\n    pass\n",
        "pkg/existing/entry.mjs": "export const handler = async () => 1;\n",
        "main.tf": tf,
    })
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("main.tf", at(tf, '"single.handler"'), "main.tf", "handler", "handler", "python3.11", "src/single.py"),
        ("main.tf", at(tf, '"entry.handler"'), "main.tf", "handler", "handler", "nodejs20.x", "pkg/existing/entry.mjs"),
        # inside an image: nothing on disk to read, listed where declared
        ("main.tf", at(tf, "image_config_command"), "main.tf", "handler", "handler", None, None),
        ("main.tf", at(tf, '["worker.handle"]'), "main.tf", "handle", "handle", None, None),
    ]


def test_tfvars_override_defaults_and_auto_tfvars_come_last(tmp_path: Path):
    write(tmp_path, {
        "code/one.js": "exports.h = async () => 1;\n",
        "code/two.js": "exports.h = async () => 1;\n",
        "variables.tf": 'variable "entry" {\n  default = "zero.h"\n}\n',
        "terraform.tfvars": 'entry = "one.h"\n',
        "prod.auto.tfvars": 'entry = "two.h"\n',
        "main.tf": 'resource "aws_lambda_function" "f" {\n  handler  = var.entry\n  runtime  = "nodejs20.x"\n  filename = "code/f.zip"\n}\n',
    })
    assert [h.source_file.name for h in discover(tmp_path)] == ["two.js"]


def test_self_reference_and_unknown_references_are_unresolved(tmp_path: Path):
    write(tmp_path, {
        "main.tf": """
locals {
  a = local.b
  b = local.a
}
resource "aws_lambda_function" "loop" {
  handler = local.a
  runtime = "nodejs20.x"
}
resource "aws_lambda_function" "other" {
  handler = aws_ssm_parameter.handler.value
  runtime = "nodejs20.x"
}
""",
    })
    assert [h.unresolved for h in discover(tmp_path)] == [
        "handler = local.a is not known before deployment",
        "handler = aws_ssm_parameter.handler.value is not known before deployment",
    ]


def test_broken_hcl_gets_one_line_and_the_rest_is_read(tmp_path: Path, caplog):
    write(tmp_path, {
        "ok/app.js": "exports.handler = async () => 1;\n",
        "main.tf": """
resource "aws_lambda_function" "fine" {
  handler  = "app.handler"
  runtime  = "nodejs20.x"
  filename = "ok/app.zip"
}
resource "aws_lambda_function" "broken" {
  handler = "app.handler
  runtime = nodejs20.x"
""",
    })
    (tmp_path / "binary.tf").write_bytes(b'resource "aws_lambda_function" "x" { handler = "\xff\xfe" \x00 }')
    with caplog.at_level(logging.WARNING, logger="lambda_leak.iac"):
        found = discover(tmp_path)
    assert [(h.export_name, h.source_file.name if h.source_file else None) for h in found] == [("handler", "app.js")]
    messages = [r.getMessage() for r in caplog.records if "HCL syntax error" in r.getMessage()]
    assert len(messages) == 2 and all("\n" not in m for m in messages)
    assert any("main.tf:" in m for m in messages) and any("binary.tf:1:" in m for m in messages), messages


def test_files_without_lambda_markers_are_not_parsed(tmp_path: Path, monkeypatch):
    from lambda_leak.iac import terraform

    write(tmp_path, {"vpc.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'})
    parsed = []
    original = terraform._parse
    monkeypatch.setattr(terraform, "_parse", lambda data, tfvars: parsed.append(data) or original(data, tfvars))
    assert discover(tmp_path) == []
    assert parsed == []


def test_modules_downloaded_by_terraform_init_are_not_read(tmp_path: Path):
    write(tmp_path, {
        "app.js": "exports.handler = async () => 1;\n",
        "main.tf": 'module "fn" {\n  source      = "terraform-aws-modules/lambda/aws"\n  handler     = "app.handler"\n'
                   '  runtime     = "nodejs20.x"\n  source_path = "."\n}\n',
        # the registry module's own code, as `terraform init` leaves it
        ".terraform/modules/fn/main.tf": 'resource "aws_lambda_function" "this" {\n  handler = var.handler\n}\n',
    })
    assert rows(discover(tmp_path), tmp_path.resolve()) == [("main.tf", 2, "main.tf", "handler", "handler", "nodejs20.x", "app.js")]


def test_string_functions(tmp_path: Path):
    expressions = {
        'join(".", ["app", "main"])': "app.main",
        'replace("app-main", "-", ".")': "app.main",
        'replace("app.x", "/x/", "main")': None,  # a regular expression: not evaluated
        'trimsuffix("app.main.js", ".js")': "app.main",
        'trimprefix("./app.main", "./")': "app.main",
        'coalesce(null, "", "app.main")': "app.main",
        'lower("APP.MAIN")': "app.main",
        'format("%s.%d", "app", 1)': None,  # only %s
        'element(["x.y", "app.main"], 3)': "app.main",  # wraps around, as Terraform does
    }
    (tmp_path / "app.js").write_text("exports.main = async () => 1;\n")
    blocks = "".join(
        f'resource "aws_lambda_function" "f{i}" {{\n  handler  = {e}\n  runtime  = "nodejs20.x"\n  filename = "a.zip"\n}}\n'
        for i, e in enumerate(expressions)
    )
    (tmp_path / "main.tf").write_text(blocks)
    got = [h.export_path and "app." + h.export_path for h in discover(tmp_path)]
    assert got == [value or "" for value in expressions.values()]


def test_a_broken_variables_file_is_reported_and_its_values_unknown(tmp_path: Path, caplog):
    write(tmp_path, {
        "variables.tf": 'variable "entry" {\n  default = "app.handler\n',
        "main.tf": 'resource "aws_lambda_function" "f" {\n  handler = var.entry\n  runtime = "nodejs20.x"\n}\n',
    })
    with caplog.at_level(logging.WARNING, logger="lambda_leak.iac"):
        assert [h.unresolved for h in discover(tmp_path)] == ["handler = var.entry is not known before deployment"]
        discover(tmp_path)  # unchanged: not reported again
    assert [Path(r.getMessage().split(":")[1]).name for r in caplog.records if "HCL syntax error" in r.getMessage()] == ["variables.tf"]


def test_handlers_whose_code_is_not_on_disk_say_why(tmp_path: Path):
    write(tmp_path, {"main.tf": """
resource "aws_lambda_function" "s3" {
  handler   = "app.handler"
  runtime   = "nodejs20.x"
  s3_bucket = "artifacts"
  s3_key    = "app.zip"
}
resource "aws_lambda_function" "passed_in" {
  handler  = "app.handler"
  runtime  = "nodejs20.x"
  filename = var.config.zip
}
resource "aws_lambda_function" "image" {
  package_type = "Image"
  image_config {
    command = ["app.handler"]
  }
}
"""})
    assert [(h.export_path, h.source_file, h.how) for h in discover(tmp_path)] == [
        ("handler", None, "the code is in S3"),
        ("handler", None, "code folder unknown: filename = var.config.zip"),
        ("handler", None, "the code is in a container image"),
    ]


def test_a_local_module_is_evaluated_with_each_callers_arguments(tmp_path: Path):
    root_tf = """
locals {
  base = merge(var.shared, { handler = "index.merged" })
}
variable "shared" {}
module "up" {
  source  = "./modules/fn"
  handler = "index.scaleUp"
  zip     = "${path.module}/svc/svc.zip"
}
module "jobs" {
  source   = "./modules/fn"
  for_each = { a = "x.a", b = "x.b" }
  handler  = each.value
  zip      = "${path.module}/jobs/x.zip"
  runtime  = "nodejs22.x"
}
module "partial" {
  source  = "./modules/fn"
  handler = local.base.handler
  zip     = local.base.zip
}
module "many" {
  source   = "./modules/fn"
  for_each = var.shared
  handler  = "index.scaleUp"
  zip      = "${path.module}/svc/svc.zip"
}
"""
    write(tmp_path, {
        "main.tf": root_tf,
        "modules/fn/main.tf": """
variable "handler" {}
variable "zip" {}
variable "runtime" { default = "nodejs20.x" }
resource "aws_lambda_function" "this" {
  handler  = var.handler
  runtime  = var.runtime
  filename = var.zip
}
""",
        "svc/package.json": '{ "scripts": { "build": "ncc build src/lambda.ts -o dist" } }',
        "svc/src/lambda.ts": "export async function scaleUp() {}\nexport async function merged() {}\n",
        "jobs/x.js": "exports.a = async () => 1;\nexports.b = async () => 2;\n",
    })
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("main.tf", at(root_tf, 'module "up"'), "main.tf", "scaleUp", "scaleUp", "nodejs20.x", "svc/src/lambda.ts"),
        ("main.tf", at(root_tf, 'module "jobs"'), "main.tf", "a", "a", "nodejs22.x", "jobs/x.js"),
        ("main.tf", at(root_tf, 'module "jobs"'), "main.tf", "b", "b", "nodejs22.x", "jobs/x.js"),
        # merge(unknown, { handler = … }): the handler is known, the zip is not
        ("main.tf", at(root_tf, 'module "partial"'), "main.tf", "merged", "merged", "nodejs20.x", None),
        ("main.tf", at(root_tf, 'module "many"'), "main.tf", "", "", None, None),
    ]
    notes = [h.how or h.unresolved for h in discover(tmp_path)]
    assert notes[3] == "code folder unknown: filename = var.zip"
    assert notes[4] == "for_each = var.shared is not a literal map or set"


def test_a_caller_without_locals_or_variables_is_still_found(tmp_path: Path):
    # the caller folder's plain file is first seen as a sibling (not parsed), then as a possible caller
    write(tmp_path, {
        "svc/app.js": "exports.go = async () => 1;\n",
        "lambda.tf": 'resource "aws_lambda_function" "direct" {\n  handler  = "app.go"\n  runtime  = "nodejs20.x"\n'
                     '  filename = "svc/a.zip"\n}\n',
        "calls.tf": 'module "fn" {\n  source  = "./modules/fn"\n  handler = "app.go"\n  zip     = "svc/a.zip"\n}\n',
        "modules/fn/main.tf": 'variable "handler" {}\nvariable "zip" {}\n'
                              'resource "aws_lambda_function" "x" {\n  handler  = var.handler\n  runtime  = "nodejs20.x"\n'
                              '  filename = "${path.module}/../../${var.zip}"\n}\n',
    })
    assert [(h.declared_in.name, h.line, h.source_file.name if h.source_file else None) for h in discover(tmp_path)] == [
        ("lambda.tf", 1, "app.js"),
        ("calls.tf", 0, "app.js"),
    ]
