"""End to end through the CLI: a handler only Terraform names (`index.scaleUp`, built by ncc from
src/lambda.ts) gets its findings, and `--list-handlers` says how each handler was found."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lambda_leak.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "iac"


@pytest.fixture
def terraform_app(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "terraform-app", root)
    monkeypatch.chdir(root)
    return root


def findings(capsys, *paths: str) -> list[tuple[str, int, str]]:
    code = main(["check", "--format", "json", *paths])
    out = json.loads(capsys.readouterr().out)
    assert code == (1 if out else 0)
    return sorted((f["path"], f["line"], f["rule"]) for f in out)


def test_terraform_declared_handler_with_a_non_default_name_gets_its_findings(capsys, terraform_app: Path):
    scaler = [f for f in findings(capsys, ".") if f[0].startswith("lambdas/scaler")]
    assert scaler == [
        ("lambdas/scaler/src/lambda.ts", 4, "callback-handler"),
        ("lambdas/scaler/src/lambda.ts", 5, "no-wait-for-empty-event-loop"),
        ("lambdas/scaler/src/lambda.ts", 6, "floating-promise"),
        ("lambdas/scaler/src/lambda.ts", 12, "floating-promise"),
    ]
    # checking only the service folder still reads the Terraform configuration above it
    assert [f for f in findings(capsys, "lambdas/scaler") if f[2] == "floating-promise"] == [
        ("lambdas/scaler/src/lambda.ts", 6, "floating-promise"),
        ("lambdas/scaler/src/lambda.ts", 12, "floating-promise"),
    ]


def test_without_the_terraform_configuration_the_same_code_is_not_a_handler(capsys, terraform_app: Path):
    for name in ("main.tf", "locals.tf", "variables.tf", "terraform.tfvars"):
        (terraform_app / name).unlink()
    assert [f for f in findings(capsys, ".") if f[0].startswith("lambdas/scaler")] == []


def test_list_handlers_says_how_each_was_found(capsys, terraform_app: Path):
    assert main(["check", "--list-handlers", "."]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "functions/orders/create.js:3 handler (from main.tf; nodejs20.x)",
        "functions/reports/build.py:8 main (from main.tf; python3.12)",
        "lambdas/scaler/src/lambda.ts:4 scaleUp (from main.tf; nodejs20.x; index.js built from src/lambda.ts via ncc build in package.json scripts.build)",
        "lambdas/scaler/src/lambda.ts:11 scaleDown (from main.tf; nodejs20.x; index.js built from src/lambda.ts via ncc build in package.json scripts.build)",
        "main.tf:55 ? (from main.tf; nodejs22.x; unresolved: handler = var.plugin_handler is not known before deployment)",
        "main.tf:63 ? (from main.tf; nodejs22.x; unresolved: for_each = toset(data.aws_ssm_parameter.queues.value) is not a literal map or set)",
        "py/audit.py:1 record (from main.tf; python3.13)",
        "services/billing/src/app.ts:1 generateInvoice (from main.tf; nodejs22.x; app.js built from src/app.ts via tsconfig outDir dist, rootDir src)",
    ]


def test_broken_terraform_file_one_line_and_the_check_goes_on(capsys, caplog, terraform_app: Path):
    (terraform_app / "broken.tf").write_text('resource "aws_lambda_function" "x" {\n  handler = "index.\n', encoding="utf-8")
    assert [f for f in findings(capsys, ".") if f[2] == "callback-handler"] == [("lambdas/scaler/src/lambda.ts", 4, "callback-handler")]
    errors = [r.getMessage() for r in caplog.records if "broken.tf" in r.getMessage()]  # on stderr outside pytest
    assert len(errors) == 1 and "HCL syntax error" in errors[0] and "\n" not in errors[0], errors


def test_sst_and_pulumi_handlers_get_their_findings(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    got = findings(capsys, "sst-app", "sst-v2-app", "pulumi-ts", "pulumi-py")
    assert ("sst-app/packages/functions/src/notes.ts", 9, "floating-promise") in got
    assert ("pulumi-ts/app/resize.js", 5, "floating-promise") in got
    assert ("pulumi-py/handlers/ledger.py", 11, "dangling-task") in got
    assert ("sst-v2-app/functions/feeds.py", 17, "thread-leak") in got  # add_feed: a handler only because SST says so
