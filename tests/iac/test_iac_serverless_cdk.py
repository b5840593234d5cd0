"""serverless.yml and CDK apps (TypeScript read with tree-sitter, Python read with ast)."""

from __future__ import annotations

import shutil
from pathlib import Path

from iac_helpers import FIXTURES, line_of, rows

from lambda_leak.iac import declared_handlers_by_file, discover


def test_serverless_functions_with_self_variables_modules_and_file_includes():
    root = FIXTURES / "serverless-app"
    config = root / "serverless.yml"
    included = root / "cron" / "functions.yml"
    s = "serverless.yml"
    assert rows(discover(root), root) == [
        (s, line_of(config, "handler: ${self:custom.handlersDir}"), s, "create", "create", "nodejs20.x", "src/handlers/invoices.ts"),
        (s, line_of(config, "handler: src/handlers/invoices.get"), s, "get", "get", "nodejs20.x", "src/handlers/invoices.ts"),
        # serverless-python-requirements `module: func1`
        (s, line_of(config, "handler: handler.lambda_handler"), s, "lambda_handler", "lambda_handler", "python3.11", "func1/handler.py"),
        # `nightly: ${file(./cron/functions.yml)}`: the line is in the included file, the path from the service
        ("cron/functions.yml", line_of(included, "handler:"), s, "run", "run", "nodejs20.x", "cron/rollup.js"),
    ]  # imageFn has no handler


def test_serverless_function_lists_and_unresolvable_variables(tmp_path: Path):
    (tmp_path / "serverless.yaml").write_text(
        "service: s\nprovider:\n  name: aws\n"
        "functions:\n"
        "  - ${file(./fns.yml)}\n"
        "  - second:\n      handler: ${env:DIR}/x.handler\n"
        "  - third:\n      handler: lib/third.main\n"
    )
    (tmp_path / "fns.yml").write_text("first:\n  handler: first.handler\n  runtime: python3.12\n")
    (tmp_path / "first.py").write_text("def handler(event, context):\n    pass\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "third.js").write_text("exports.main = async () => 1;\n")
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("fns.yml", 1, "serverless.yaml", "handler", "handler", "python3.12", "first.py"),
        # ${env:DIR} is only known at deploy time: skipped, not guessed
        ("serverless.yaml", 8, "serverless.yaml", "main", "main", None, "lib/third.js"),
    ]


def test_cdk_typescript_stack():
    root = FIXTURES / "cdk-ts"
    stack = root / "lib" / "api-stack.ts"
    c = "lib/api-stack.ts"
    assert rows(discover(root), root) == [
        # NodejsFunction defaults: entry lib/api-stack.Orders.ts, handler "handler"; runtime via `...common`
        (c, line_of(stack, "new NodejsFunction(this, 'Orders'"), "cdk", "handler", "handler", "nodejs20.x", "lib/api-stack.Orders.ts"),
        (c, line_of(stack, "handler: 'main'"), "cdk", "main", "main", "nodejs20.x", "handlers/users.ts"),
        # fromAsset('lambda') is relative to the app folder (cdk.json), not the stack file
        (c, line_of(stack, "handler: 'legacy.handlers.onEvent'"), "cdk", "handlers.onEvent", "handlers", "nodejs18.x", "lambda/legacy.js"),
        (c, line_of(stack, "handler: 'worker.run'"), "cdk", "run", "run", "python3.12", "py/worker.py"),
        (c, line_of(stack, "handler: 'index.handler'"), "cdk", "handler", "handler", "nodejs20.x", None),  # fromInline
        (c, line_of(stack, "handler: 'go'"), "cdk", "go", "go", "python3.12", "python-fn/main.py"),
    ]  # bin/app.ts: `new Function('a', 'b', …)` and `new ApiStack(…)` are not Lambda functions


def test_cdk_python_app():
    root = FIXTURES / "cdk-python"
    stack = root / "stacks" / "service_stack.py"
    c = "stacks/service_stack.py"
    assert rows(discover(root), root) == [
        (c, line_of(stack, 'handler="ingest.app.handler"'), "cdk", "handler", "handler", "python3.12", "lambda_src/ingest/app.py"),
        (c, line_of(stack, 'handler="build"'), "cdk", "build", "build", None, "functions/report/report.py"),
        (c, line_of(stack, 'handler="notify.handler"'), "cdk", "handler", "handler", "nodejs20.x", "assets/node/notify.mjs"),
    ]


def test_cdk_import_styles_and_path_expressions(tmp_path: Path):
    (tmp_path / "cdk.json").write_text("{}")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.mts").write_text("export const handler = async () => 1;\n")
    (tmp_path / "src" / "b.js").write_text("exports.go = async () => 1;\n")
    (tmp_path / "src" / "c.ts").write_text("export const run = async () => 1;\n")
    (tmp_path / "stack.mjs").write_text(
        "import { aws_lambda as lambda, aws_lambda_nodejs as nodejs } from 'aws-cdk-lib';\n"
        "import { dirname, join } from 'node:path';\n"
        "import { fileURLToPath } from 'node:url';\n"
        "const here = dirname(fileURLToPath(import.meta.url));\n"
        "const { Function: Fn, Code } = require('aws-cdk-lib/aws-lambda');\n"
        "new nodejs.NodejsFunction(this, 'A', { entry: join(here, 'src', 'a.mts') });\n"
        "new Fn(this, 'B', { handler: 'b.go', code: Code.fromAsset(here + '/src') });\n"
        "const cfg = { handler: `c.run`, code: lambda.Code.fromAsset(`${process.cwd()}/src`) };\n"
        "new lambda.Function(this, 'C', cfg);\n"
        "new lambda.Function(this, 'D', { handler: computeName(), code: lambda.Code.fromAsset('src') });\n"
        "new nodejs.NodejsFunction(this, 'E', { entry: someVariable });\n"
    )
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("stack.mjs", 5, "cdk", "handler", "handler", None, "src/a.mts"),
        ("stack.mjs", 6, "cdk", "go", "go", None, "src/b.js"),
        ("stack.mjs", 7, "cdk", "run", "run", None, "src/c.ts"),
    ]  # D's handler and E's entry are computed: no guess


def test_python_cdk_import_styles(tmp_path: Path):
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "index.py").write_text("def handler(event, context):\n    pass\n")
    (tmp_path / "fn" / "svc.py").write_text("def main(event, context):\n    pass\n")
    (tmp_path / "stack.py").write_text(
        "import aws_cdk as cdk\n"
        "import aws_cdk.aws_lambda_python_alpha as pylambda\n"
        "from pathlib import Path\n"
        "ROOT = Path(__file__).resolve().parent\n"
        "cdk.aws_lambda.Function(self, 'A', handler='svc.main', code=cdk.aws_lambda.Code.from_asset(str(ROOT.joinpath('fn'))))\n"
        "pylambda.PythonFunction(self, 'B', entry=f'{ROOT}/fn')\n"
        "print(Function)  # not a construct\n"
    )
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("stack.py", 4, "cdk", "main", "main", None, "fn/svc.py"),
        ("stack.py", 5, "cdk", "handler", "handler", None, "fn/index.py"),
    ]


def test_cdk_source_with_syntax_errors_is_skipped(tmp_path: Path, caplog):
    (tmp_path / "broken_stack.py").write_text("from aws_cdk import aws_lambda\naws_lambda.Function(self, 'X', handler=\n")
    (tmp_path / "broken.ts").write_text("import * as lambda from 'aws-cdk-lib/aws-lambda';\nnew lambda.Function(this, 'X', { handler: 'a.b', \n")
    (tmp_path / "binary.ts").write_bytes(b"aws-cdk Function \xff\xfe\x00")
    assert discover(tmp_path) == []
    skipped = sorted(Path(r.args[0]).name for r in caplog.records if "cannot parse" in r.getMessage())
    assert skipped == ["binary.ts", "broken_stack.py"]  # tree-sitter reads broken.ts without complaint


def test_declared_handlers_by_file_over_all_fixtures():
    by_file = declared_handlers_by_file(FIXTURES)
    relative = {path.relative_to(FIXTURES).as_posix(): names for path, names in by_file.items()}
    assert relative == {
        "sam-app/hello-world/app.ts": {"lambdaHandler"},
        "sam-app/src/handlers/orders.mjs": {"api"},
        "sam-app/functions/jobs/index.js": {"handler"},
        "sam-app/py_src/pkg/mod.py": {"lambda_handler"},
        "sam-app/bundled/src/index.ts": {"handler"},
        "cfn-json/lambda/index.cjs": {"handler"},
        "cfn-json/workers/consumer.py": {"handle"},
        "serverless-app/src/handlers/invoices.ts": {"create", "get"},
        "serverless-app/func1/handler.py": {"lambda_handler"},
        "serverless-app/cron/rollup.js": {"run"},
        "cdk-ts/lib/api-stack.Orders.ts": {"handler"},
        "cdk-ts/handlers/users.ts": {"main"},
        "cdk-ts/lambda/legacy.js": {"handlers"},
        "cdk-ts/py/worker.py": {"run"},
        "cdk-ts/python-fn/main.py": {"go"},
        "cdk-python/lambda_src/ingest/app.py": {"handler"},
        "cdk-python/functions/report/report.py": {"build"},
        "cdk-python/assets/node/notify.mjs": {"handler"},
        "terraform-app/functions/orders/create.js": {"handler"},
        "terraform-app/functions/reports/build.py": {"main"},
        "terraform-app/lambdas/scaler/src/lambda.ts": {"scaleUp", "scaleDown"},
        "terraform-app/py/audit.py": {"record"},
        "terraform-app/services/billing/src/app.ts": {"generateInvoice"},
        "sst-app/packages/functions/src/notes.ts": {"list", "create"},
        "sst-app/packages/functions/src/thumbnail.ts": {"handler"},
        "sst-app/packages/functions/src/audit.ts": {"record"},
        "sst-app/packages/jobs/nightly.py": {"run"},
        "pulumi-ts/app/resize.js": {"onUpload"},
        "pulumi-ts/app/notify.js": {"handler"},
        "pulumi-py/handlers/ledger.py": {"post_entry"},
        "pulumi-py/handlers/export.py": {"main"},
        "sst-v2-app/functions/feeds.py": {"list_feeds", "add_feed"},
        "sst-v2-app/functions/poll.py": {"run"},
        "sst-v2-app/packages/web/preview.js": {"render"},
    }


def test_cdk_props_that_cannot_be_read_are_not_guessed(tmp_path: Path):
    (tmp_path / "stack.ts").write_text(
        "import { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';\n"
        "export function make(scope: any, props: NodejsFunctionProps) {\n"
        "  new NodejsFunction(scope, 'FromParam', props);\n"
        "  new NodejsFunction(scope, 'Spread', { ...props, memorySize: 256 });\n"
        "  new NodejsFunction(scope, 'Computed', { [key]: 'x' });\n"
        "  new NodejsFunction(scope, 'Defaulted');\n"
        "}\n"
    )
    (tmp_path / "stack.Defaulted.js").write_text("exports.handler = async () => 1;\n")
    (tmp_path / "py_stack.py").write_text(
        "from aws_cdk.aws_lambda import Function\n"
        "def make(scope, **props):\n"
        "    Function(scope, 'X', **props)\n"
    )
    assert rows(discover(tmp_path), tmp_path.resolve()) == [("stack.ts", 5, "cdk", "handler", "handler", None, "stack.Defaulted.js")]


def test_compiled_javascript_beside_the_typescript_stack_is_not_read_twice(tmp_path: Path):
    shutil.copytree(FIXTURES / "cdk-ts", tmp_path / "app")
    lib = tmp_path / "app" / "lib"
    (lib / "api-stack.js").write_text((lib / "api-stack.ts").read_text().replace(": Construct", "").replace("props?: StackProps", "props"))
    found = discover(tmp_path)
    assert len(found) == 6
    assert {h.declared_in.name for h in found} == {"api-stack.ts"}
