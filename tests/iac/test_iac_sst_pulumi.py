"""SST apps and Pulumi programs (TypeScript/JavaScript read with tree-sitter, Python with ast; never run)."""

from __future__ import annotations

from pathlib import Path

from iac_helpers import FIXTURES, line_of, rows

from lambda_leak.iac import discover
from lambda_leak.iac.pulumi import runtime_from_enum


def test_sst_app_functions_routes_crons_and_subscribers():
    root = FIXTURES / "sst-app"
    config = root / "sst.config.ts"
    events = root / "infra" / "events.ts"
    c, s = "sst.config.ts", "sst"
    assert rows(discover(root), root) == [
        (c, line_of(config, '"packages/functions/src/notes.list"'), s, "list", "list", None, "packages/functions/src/notes.ts"),
        (c, line_of(config, 'handler: "packages/functions/src/notes.create"'), s, "create", "create", "nodejs22.x",
         "packages/functions/src/notes.ts"),
        (c, line_of(config, 'handler: "packages/functions/src/thumbnail.handler"'), s, "handler", "handler", "nodejs20.x",
         "packages/functions/src/thumbnail.ts"),
        (c, line_of(config, 'handler: "packages/jobs/nightly.run"'), s, "run", "run", "python3.12", "packages/jobs/nightly.py"),
        # a handler read from the environment at deploy time: listed as unresolved
        (c, line_of(config, "handler: handlerFromEnv"), s, "", "", None, None),
        ("infra/events.ts", line_of(events, "topic.subscribe("), s, "record", "record", None, "packages/functions/src/audit.ts"),
    ]


def test_sst_components_outside_an_sst_app_are_ignored(tmp_path: Path):
    (tmp_path / "notes.ts").write_text("export const handler = async () => 1;\n")
    (tmp_path / "stack.ts").write_text('new sst.aws.Function("F", { handler: "notes.handler" });\n')
    assert discover(tmp_path) == []


def test_pulumi_typescript_program():
    root = FIXTURES / "pulumi-ts"
    program = root / "index.ts"
    i, p = "index.ts", "pulumi"
    assert rows(discover(root), root) == [
        # code = new AssetArchive({ ".": new FileArchive("./app") }) through a const; runtime from the enum
        (i, line_of(program, 'handler: "resize.onUpload"'), p, "onUpload", "onUpload", "nodejs20.x", "app/resize.js"),
        (i, line_of(program, 'handler: "notify.handler"'), p, "handler", "handler", "nodejs22.x", "app/notify.js"),
        (i, line_of(program, "handler: config.require"), p, "", "", "nodejs22.x", None),
    ]


def test_pulumi_python_program():
    root = FIXTURES / "pulumi-py"
    program = root / "__main__.py"
    m, p = "__main__.py", "pulumi"
    assert rows(discover(root), root) == [
        (m, line_of(program, 'handler="ledger.post_entry"'), p, "post_entry", "post_entry", "python3.12", "handlers/ledger.py"),
        (m, line_of(program, 'handler="export.main"'), p, "main", "main", "python3.13", "handlers/export.py"),
    ]


def test_pulumi_paths_are_relative_to_the_project_folder(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: x\nruntime: nodejs\n")
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "index.js").write_text("exports.handler = async () => 1;\n")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "lambda.js").write_text(
        'const aws = require("@pulumi/aws");\nconst pulumi = require("@pulumi/pulumi");\n'
        'new aws.lambda.Function("f", { code: new pulumi.asset.FileArchive("./fn"), handler: "index.handler", runtime: "java21" });\n'
        'new aws.lambda.Function("g", { code: new pulumi.asset.FileArchive("./fn"), handler: "index.handler" });\n'
        'new aws.lambda.Function("h", args);\n'
    )
    assert rows(discover(tmp_path), tmp_path.resolve()) == [
        ("infra/lambda.js", 3, "pulumi", "handler", "handler", None, "fn/index.js"),  # the java21 one is not listed
        ("infra/lambda.js", 4, "pulumi", "", "", None, None),
    ]


def test_pulumi_runtime_enum_names():
    assert runtime_from_enum("NodeJS20dX") == "nodejs20.x"
    assert runtime_from_enum("NODE_JS22D_X") == "nodejs22.x"
    assert runtime_from_enum("Python3d12") == "python3.12"
    assert runtime_from_enum("PYTHON3D9") == "python3.9"


def test_sst_v2_constructs_with_the_app_default_runtime():
    root = FIXTURES / "sst-v2-app"
    stack = root / "stacks" / "Feeds.ts"
    f, s = "stacks/Feeds.ts", "sst"
    assert rows(discover(root), root) == [
        # app.setDefaultFunctionProps({ runtime: "python3.11" }) in sst.config.ts
        (f, line_of(stack, '"GET /feeds"'), s, "list_feeds", "list_feeds", "python3.11", "functions/feeds.py"),
        (f, line_of(stack, '"POST /feeds"'), s, "add_feed", "add_feed", "python3.11", "functions/feeds.py"),
        (f, line_of(stack, "job:"), s, "run", "run", "python3.11", "functions/poll.py"),
        (f, line_of(stack, 'handler: "packages/web/preview.render"'), s, "render", "render", "nodejs18.x", "packages/web/preview.js"),
    ]
