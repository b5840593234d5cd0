"""Node.js 24 readiness: the runtime each function is declared with (SAM, CloudFormation,
serverless.yml, CDK) or configured decides whether callback-style findings are init failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from lambda_leak.cli import main
from lambda_leak.config import Config, ConfigError, config_for_directory, parse_settings
from lambda_leak.engine import analyse_source
from lambda_leak.fixing import fix_source
from lambda_leak.javascript import adapters
from lambda_leak.rules import PRESETS

INIT_FAILURE = "fails at init on nodejs24.x: Runtime.CallbackHandlerDeprecated"

# One handler file per shape, each with the rule it must raise.
HANDLERS = {
    "unused.js": ("exports.handler = async (event, context, callback) => {\n  return event.id;\n};\n", "callback-handler"),
    "legacy.js": ("exports.handler = (event, context, callback) => {\n  callback(null, event.id);\n};\n", "callback-handler"),
    "mixed.js": ("exports.handler = async (event, context, callback) => {\n  callback(null, await load(event));\n};\n"
                 "async function load(event) { return event.id; }\n", "mixed-handler"),
    "succeed.js": ("exports.handler = async (event, context) => {\n  context.succeed(event.id);\n};\n", "deprecated-context-method"),
}


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def findings(capsys, *args: str) -> list[dict]:
    config_for_directory.cache_clear()  # the tests rewrite lambda-leak.toml between runs
    main(["check", "--format", "json", *args])
    return json.loads(capsys.readouterr().out)


def by_file(found: list[dict]) -> dict[str, tuple[str, str, str]]:
    return {Path(f["path"]).name: (f["rule"], f["severity"], f["message"]) for f in found}


def handler_files(root: Path, folder: str = "src") -> None:
    write(root, {f"{folder}/{name}": text for name, (text, _) in HANDLERS.items()})


def assert_runtime_errors(found: list[dict], runtime: str = "nodejs24.x") -> None:
    result = by_file(found)
    assert set(result) == set(HANDLERS), result
    for name, (rule, severity, message) in result.items():
        assert rule == HANDLERS[name][1], (name, rule)
        assert severity == "error", (name, severity, message)
        if rule == "deprecated-context-method":
            assert message.startswith(f"fails on {runtime}: `context.succeed` is not a function"), message
        else:
            assert message.startswith(f"fails at init on {runtime}: Runtime.CallbackHandlerDeprecated"), message


def assert_warnings(found: list[dict]) -> None:
    result = by_file(found)
    assert set(result) == set(HANDLERS), result
    for name, (rule, severity, message) in result.items():
        assert severity == "warning" and not message.startswith("fails"), (name, severity, message)


SAM_GLOBALS = """
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: {runtime}
        CodeUri: src/
    Resources:
      Unused: {{Type: AWS::Serverless::Function, Properties: {{Handler: unused.handler}}}}
      Legacy: {{Type: AWS::Serverless::Function, Properties: {{Handler: legacy.handler}}}}
      Mixed: {{Type: AWS::Serverless::Function, Properties: {{Handler: mixed.handler}}}}
      Succeed: {{Type: AWS::Serverless::Function, Properties: {{Handler: succeed.handler}}}}
"""


@pytest.mark.parametrize("runtime", ["nodejs24.x", "nodejs26.x"])
def test_sam_globals_runtime_makes_them_errors(tmp_path, capsys, runtime):
    handler_files(tmp_path)
    write(tmp_path, {"template.yaml": SAM_GLOBALS.format(runtime=runtime)})
    assert_runtime_errors(findings(capsys, str(tmp_path)), runtime)


def test_older_runtimes_keep_the_warning(tmp_path, capsys):
    handler_files(tmp_path)
    write(tmp_path, {"template.yaml": SAM_GLOBALS.format(runtime="nodejs22.x")})
    assert_warnings(findings(capsys, str(tmp_path)))


def test_sam_function_runtime_overrides_globals(tmp_path, capsys):
    handler_files(tmp_path)
    template = SAM_GLOBALS.format(runtime="nodejs22.x").replace(
        "{Handler: legacy.handler}", "{Handler: legacy.handler, Runtime: nodejs24.x}"
    )
    write(tmp_path, {"template.yaml": template})
    result = by_file(findings(capsys, str(tmp_path)))
    assert result["legacy.js"][1] == "error" and result["legacy.js"][2].startswith(INIT_FAILURE)
    assert result["unused.js"][1] == "warning"


def test_cloudformation_lambda_function(tmp_path, capsys):
    handler_files(tmp_path)
    resources = "".join(
        f"  {name.title().replace('.', '')}:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        f"      Handler: {name[:-3]}.handler\n      Runtime: nodejs24.x\n      Code: src/\n      Role: arn:aws:iam::1:role/r\n"
        for name in HANDLERS
    )
    write(tmp_path, {"template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"})
    (tmp_path / "template.yaml").write_text((tmp_path / "template.yaml").read_text() + resources)
    assert_runtime_errors(findings(capsys, str(tmp_path)))


def test_serverless_provider_and_function_runtimes(tmp_path, capsys):
    handler_files(tmp_path)
    write(tmp_path, {"serverless.yml": """
        service: orders
        provider:
          name: aws
          runtime: nodejs24.x
        functions:
          unused: {handler: src/unused.handler}
          legacy: {handler: src/legacy.handler}
          mixed: {handler: src/mixed.handler}
          succeed: {handler: src/succeed.handler}
    """})
    assert_runtime_errors(findings(capsys, str(tmp_path)))
    write(tmp_path, {"serverless.yml": """
        service: orders
        provider:
          name: aws
          runtime: nodejs24.x
        functions:
          unused: {handler: src/unused.handler, runtime: nodejs22.x}
          legacy: {handler: src/legacy.handler}
    """})
    result = by_file(findings(capsys, str(tmp_path)))
    assert result["unused.js"][1] == "warning" and result["legacy.js"][1] == "error"


def test_cdk_runtime_constants(tmp_path, capsys):
    handler_files(tmp_path, "lambda")
    write(tmp_path, {
        "cdk.json": '{"app": "npx ts-node bin/app.ts"}',
        "lib/stack.ts": """
            import * as lambda from 'aws-cdk-lib/aws-lambda';
            import { Stack } from 'aws-cdk-lib';

            export class Api extends Stack {
              constructor(scope, id) {
                super(scope, id);
                for (const name of ['unused', 'legacy', 'mixed']) {
                  new lambda.Function(this, name, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'x.handler', code: lambda.Code.fromAsset('lambda') });
                }
                new lambda.Function(this, 'U', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'unused.handler', code: lambda.Code.fromAsset('lambda') });
                new lambda.Function(this, 'L', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'legacy.handler', code: lambda.Code.fromAsset('lambda') });
                new lambda.Function(this, 'M', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'mixed.handler', code: lambda.Code.fromAsset('lambda') });
                new lambda.Function(this, 'S', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'succeed.handler', code: lambda.Code.fromAsset('lambda') });
              }
            }
        """,
    })
    assert_runtime_errors(findings(capsys, str(tmp_path)))


def test_config_runtime_and_target_runtime_are_the_fallback(tmp_path, capsys):
    handler_files(tmp_path)
    assert_warnings(findings(capsys, str(tmp_path)))
    assert_runtime_errors(findings(capsys, "--target-runtime", "nodejs24.x", str(tmp_path)))
    write(tmp_path, {"lambda-leak.toml": 'runtime = "nodejs24.x"\n'})
    assert_runtime_errors(findings(capsys, str(tmp_path)))
    # A runtime the deployment declares wins over the assumed one.
    write(tmp_path, {"template.yaml": SAM_GLOBALS.format(runtime="nodejs20.x")})
    assert_warnings(findings(capsys, str(tmp_path)))


def test_a_configured_severity_does_not_hide_an_init_failure(tmp_path, capsys):
    handler_files(tmp_path)
    write(tmp_path, {"lambda-leak.toml": 'runtime = "nodejs24.x"\nseverity = { callback-handler = "info" }\n'})
    assert by_file(findings(capsys, str(tmp_path)))["unused.js"][1] == "error"
    write(tmp_path, {"lambda-leak.toml": 'runtime = "nodejs22.x"\nseverity = { callback-handler = "info" }\n'})
    assert by_file(findings(capsys, str(tmp_path)))["unused.js"][1] == "info"


def test_bad_runtime_values_are_clear_errors(tmp_path, capsys):
    with pytest.raises(ConfigError, match="`runtime` must be a Lambda runtime"):
        parse_settings({"runtime": "node24"}, "lambda-leak.toml")
    assert parse_settings({"runtime": "nodejs24.x"}, "x").runtime == "nodejs24.x"
    assert main(["check", "--target-runtime", "24", str(tmp_path)]) == 2
    assert "--target-runtime" in capsys.readouterr().err


def test_list_handlers_shows_each_runtime(tmp_path, capsys, monkeypatch):
    handler_files(tmp_path)
    write(tmp_path, {
        "template.yaml": SAM_GLOBALS.format(runtime="nodejs24.x").replace("{Handler: mixed.handler}", "{Handler: mixed.handler, Runtime: nodejs22.x}"),
        "other/free.js": "exports.handler = async (event) => event;\n",
    })
    monkeypatch.chdir(tmp_path)
    main(["check", "--list-handlers", "--target-runtime", "nodejs24.x", "."])
    listed = capsys.readouterr().out.splitlines()
    assert "other/free.js:1 handler (from code; nodejs24.x assumed)" in listed
    assert "src/mixed.js:1 handler (from template.yaml; nodejs22.x)" in listed
    assert "src/legacy.js:1 handler (from template.yaml; nodejs24.x)" in listed


def test_node24_preset_selects_the_migration_rules(tmp_path, capsys):
    assert PRESETS["node24"] == {"callback-handler", "mixed-handler", "deprecated-context-method", "no-wait-for-empty-event-loop"}
    handler_files(tmp_path)
    (tmp_path / "timer.js").write_text("exports.handler = async () => {\n  setTimeout(() => {}, 10);\n};\n")
    found = findings(capsys, "--select", "node24", str(tmp_path))
    assert {f["rule"] for f in found} == {"callback-handler", "mixed-handler", "deprecated-context-method"}
    write(tmp_path, {"lambda-leak.toml": 'select = ["node24"]\n'})
    assert {f["rule"] for f in findings(capsys, str(tmp_path))} == {f["rule"] for f in found}


def test_node24_preset_fix_is_the_one_command_migration(tmp_path, capsys):
    handler_files(tmp_path)
    assert main(["check", "--select", "node24", "--fix", "--target-runtime", "nodejs24.x", str(tmp_path)]) == 0
    capsys.readouterr()
    assert findings(capsys, "--select", "node24", str(tmp_path)) == []
    assert "callback" not in (tmp_path / "src" / "unused.js").read_text()
    assert "async (event, context) =>" in (tmp_path / "src" / "legacy.js").read_text()


# -- arity cases on their own ------------------------------------------------------------------

def _rules(code: str, path: str = "h.js", **config) -> list[tuple[str, int]]:
    report = analyse_source(path, textwrap.dedent(code), Config(select=PRESETS["node24"], **config))
    return [(f.rule, f.range.start.line) for f in report.findings]


def test_one_finding_per_handler():
    assert _rules("exports.handler = async (event, context, cb) => { cb(null, 1); };") == [("mixed-handler", 0)]
    assert _rules("exports.handler = async (event, context, cb) => 1;") == [("callback-handler", 0)]
    assert _rules("exports.handler = (event, context, cb) => { cb(null, 1); };") == [("callback-handler", 0)]


def test_sync_handler_removal_is_unsafe():
    code = "exports.handler = (event, context, callback) => {\n  console.log(event);\n};\n"
    report = analyse_source("h.js", code, Config(select=frozenset({"callback-handler"})))
    (finding,) = report.findings
    (fix,) = finding.fixes
    assert fix.title == "Remove the unused callback parameter" and not fix.safe


def test_wrapper_imported_from_a_package_is_not_guessed():
    assert _rules("const wrap = require('some-wrapper');\nexports.handler = wrap(async (event, context, cb) => 1);") == []


# -- the adapter table -------------------------------------------------------------------------

def test_version_ranges():
    codegenie = adapters.adapter_for("@codegenie/serverless-express")
    pinned = lambda spec, source="package.json": adapters.affected(codegenie, adapters.Installed(spec, source))  # noqa: E731
    assert pinned("^4.17.1") and pinned("~4.14.0") and pinned("4.17.1") and pinned("4.x")
    assert not pinned("^5.0.0") and not pinned(">=4") and not pinned("*") and not pinned("latest")
    assert pinned("4.17.1", "package-lock.json") and not pinned("5.0.0", "package-lock.json")
    assert not pinned("4.17.2-beta.1", "package-lock.json")  # the prerelease already returns length 2


@pytest.mark.parametrize("lock_name, lock_text", [
    ("package-lock.json", json.dumps({"lockfileVersion": 3, "packages": {"node_modules/@fastify/aws-lambda": {"version": "5.1.4"}}})),
    ("yarn.lock", '"@fastify/aws-lambda@^5.0.0":\n  version "5.1.4"\n  resolved "https://registry.yarnpkg.com/x"\n'),
    ("pnpm-lock.yaml", "packages:\n\n  '@fastify/aws-lambda@5.1.4':\n    resolution: {integrity: sha512-x}\n"),
])
def test_lock_files_pin_the_adapter_version(tmp_path, capsys, lock_name, lock_text):
    write(tmp_path, {
        "package.json": '{"dependencies": {"@fastify/aws-lambda": ">=5"}}',
        "src/api.mjs": """
            import awsLambdaFastify from '@fastify/aws-lambda';
            import Fastify from 'fastify';
            export const handler = awsLambdaFastify(Fastify());
        """,
    })
    assert findings(capsys, str(tmp_path)) == []  # `>=5` can install 6.x: not pinned to an affected version
    (tmp_path / lock_name).write_text(lock_text)
    (finding,) = findings(capsys, "--target-runtime", "nodejs24.x", str(tmp_path))
    assert finding["rule"] == "callback-handler" and finding["severity"] == "error"
    assert f"@fastify/aws-lambda 5.1.4 ({lock_name})" in finding["message"]
    assert finding["message"].endswith("upgrade to @fastify/aws-lambda 6.0.0")


def test_installed_version_follows_lock_file_changes(tmp_path):
    write(tmp_path, {"package.json": '{"dependencies": {"@fastify/aws-lambda": "^5.0.0"}}', "src/api.mjs": ""})
    source, lock = str(tmp_path / "src" / "api.mjs"), tmp_path / "package-lock.json"
    assert adapters.installed(source, "@fastify/aws-lambda") == adapters.Installed("^5.0.0", "package.json")
    lock.write_text(json.dumps({"packages": {"node_modules/@fastify/aws-lambda": {"version": "5.1.4"}}}))
    assert adapters.installed(source, "@fastify/aws-lambda") == adapters.Installed("5.1.4", "package-lock.json")
    lock.write_text(json.dumps({"packages": {"node_modules/@fastify/aws-lambda": {"version": "5.2.0"}}}) + "\n")
    assert adapters.installed(source, "@fastify/aws-lambda").version == "5.2.0"  # read again: not a stale parse
    for broken in ("{not json", "[1, 2]"):  # neither answers: package.json's range does
        lock.write_text(broken)
        assert adapters.installed(source, "@fastify/aws-lambda") == adapters.Installed("^5.0.0", "package.json")


# -- fixed TypeScript still type-checks --------------------------------------------------------

_CLIENT_MODULES = Path(__file__).resolve().parents[2] / "vscode-client" / "node_modules"
_TSC = _CLIENT_MODULES / ".bin" / "tsc"
# The shape of the aws-lambda package's handler types, declared here (no @types/aws-lambda needed).
_AWS_LAMBDA_TYPES = """
declare module "aws-lambda" {
  export interface Context { functionName: string; awsRequestId: string }
  export type Callback<TResult = any> = (error?: Error | string | null, result?: TResult) => void;
  export type Handler<TEvent = any, TResult = any> = (event: TEvent, context: Context, callback: Callback<TResult>) => void | Promise<TResult>;
  export interface APIGatewayProxyEvent { queryStringParameters: { [name: string]: string | undefined } | null }
  export interface APIGatewayProxyResult { statusCode: number; body: string }
}
"""


@pytest.mark.skipif(not _TSC.exists() or shutil.which("node") is None, reason="TypeScript from vscode-client is not installed")
def test_removal_keeps_typescript_handlers_valid(tmp_path):
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "javascript" / "callback-handler" / "bad_handler_type.ts"
    outcome = fix_source(str(fixture), fixture.read_text(), Config(select=frozenset({"callback-handler"})))
    assert len(outcome.applied) == 2
    (tmp_path / "aws-lambda.d.ts").write_text(_AWS_LAMBDA_TYPES)
    for name, text in (("before.ts", fixture.read_text()), ("after.ts", outcome.text)):
        (tmp_path / name).write_text(text)
        (tmp_path / "tsconfig.json").write_text(json.dumps({
            "compilerOptions": {"noEmit": True, "strict": True, "skipLibCheck": True, "target": "es2022",
                                "lib": ["es2022"], "module": "commonjs", "types": []},
            "files": ["aws-lambda.d.ts", name],
        }))
        result = subprocess.run(
            [str(_TSC), "-p", "tsconfig.json"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, name + "\n" + result.stdout + result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_wrapper_from_another_project_file(tmp_path, capsys, jobs):
    write(tmp_path, {
        "lib/wrap.js": """
            exports.withTracing = (fn) => async (event, context, callback) => fn(event, context);
            exports.withTiming = (fn) => async (event, context) => fn(event, context);
        """,
        "src/api.mjs": """
            import { withTracing, withTiming } from '../lib/wrap.js';

            export const handler = withTracing(async (event) => event.body);
            export const fastHandler = withTiming(async (event) => event.body);
        """,
    })
    found = findings(capsys, "--jobs", jobs, "--target-runtime", "nodejs24.x", str(tmp_path))
    assert [(Path(f["path"]).name, f["line"], f["severity"]) for f in found] == [("api.mjs", 3, "error")]
    assert "`handler` is made by `withTracing`, which returns a function of 3 parameters (in ../lib/wrap.js)" in found[0]["message"]
    assert found[0]["fixes"] == []


def test_cdk_python_runtime_constant(tmp_path, capsys):
    handler_files(tmp_path, "lambda")
    functions = "".join(
        f'        _lambda.Function(self, "{name}", runtime=_lambda.Runtime.NODEJS_24_X, '
        f'handler="{name}.handler", code=_lambda.Code.from_asset("lambda"))\n'
        for name in ("unused", "legacy", "mixed", "succeed")
    )
    (tmp_path / "cdk.json").write_text('{"app": "python3 app.py"}')
    (tmp_path / "app.py").write_text(
        "from aws_cdk import Stack, aws_lambda as _lambda\n\n\n"
        "class Api(Stack):\n    def __init__(self, scope, construct_id):\n"
        "        super().__init__(scope, construct_id)\n" + functions
    )
    assert_runtime_errors(findings(capsys, str(tmp_path)))


def test_instana_wrap_passes_the_length_on_in_the_measured_version(tmp_path, capsys):
    write(tmp_path, {
        "package.json": '{"dependencies": {"@instana/aws-lambda": "^2.0.0"}}',
        "handler.js": """
            const instana = require('@instana/aws-lambda');

            exports.handler = instana.wrap(async (event, context, callback) => event.id);
        """,
    })
    assert findings(capsys, str(tmp_path)) == []  # `^2.0.0` may install a version that normalises the length
    (tmp_path / "package-lock.json").write_text(json.dumps({"packages": {"node_modules/@instana/aws-lambda": {"version": "2.0.0"}}}))
    (finding,) = findings(capsys, str(tmp_path))
    assert finding["rule"] == "callback-handler" and finding["line"] == 3
    assert [fix["title"] for fix in finding["fixes"]] == ["Remove the unused callback parameter"]


# Lambda Managed Instances: a function with a capacity provider runs Node.js 22 with the same init check.
MANAGED_FAILURE = "fails at init on nodejs22.x on Lambda Managed Instances: Runtime.CallbackHandlerDeprecated"
SAM_MANAGED = SAM_GLOBALS + """
      Provider:
        Type: AWS::Serverless::CapacityProvider
        Properties: {{VpcConfig: {{SubnetIds: [subnet-1], SecurityGroupIds: [sg-1]}}}}
"""


def managed_sam(runtime: str = "nodejs22.x") -> str:
    """Every function of SAM_GLOBALS attached to the capacity provider, the way SAM spells it."""
    template = SAM_MANAGED.format(runtime=runtime)
    for name in ("unused", "legacy", "mixed", "succeed"):
        template = template.replace(
            f"{{Handler: {name}.handler}}",
            f"{{Handler: {name}.handler, CapacityProviderConfig: {{Arn: !GetAtt Provider.Arn, PerExecutionEnvironmentMaxConcurrency: 8}}}}",
        )
    return template


def assert_managed_errors(found: list[dict], failure: str = MANAGED_FAILURE) -> None:
    result = by_file(found)
    assert set(result) == set(HANDLERS), result
    for name in ("unused.js", "legacy.js", "mixed.js"):
        rule, severity, message = result[name]
        assert (rule, severity) == (HANDLERS[name][1], "error") and message.startswith(failure), (name, result[name])
    # Only the init check is known to apply there: context.succeed keeps its warning on nodejs22.x.
    assert result["succeed.js"][:2] == ("deprecated-context-method", "warning"), result["succeed.js"]


def test_sam_capacity_provider_on_nodejs22_fails_at_init(tmp_path, capsys):
    handler_files(tmp_path)
    write(tmp_path, {"template.yaml": managed_sam()})
    assert_managed_errors(findings(capsys, str(tmp_path)))


def test_managed_instances_on_nodejs24_names_both(tmp_path, capsys):
    handler_files(tmp_path)
    write(tmp_path, {"template.yaml": managed_sam("nodejs24.x")})
    result = by_file(findings(capsys, str(tmp_path)))
    assert result["legacy.js"][1] == "error"
    assert result["legacy.js"][2].startswith("fails at init on nodejs24.x on Lambda Managed Instances: ")
    assert result["succeed.js"][1] == "error"  # removed on nodejs24.x wherever it runs


def test_only_the_function_with_a_capacity_provider_is_an_error(tmp_path, capsys):
    handler_files(tmp_path)
    template = SAM_MANAGED.format(runtime="nodejs22.x").replace(
        "{Handler: legacy.handler}", "{Handler: legacy.handler, CapacityProviderConfig: {Arn: !GetAtt Provider.Arn}}"
    )
    write(tmp_path, {"template.yaml": template})
    result = by_file(findings(capsys, str(tmp_path)))
    assert result["legacy.js"][1] == "error" and result["legacy.js"][2].startswith(MANAGED_FAILURE)
    assert result["unused.js"][1] == "warning" and result["mixed.js"][1] == "warning"


@pytest.mark.parametrize("config", [
    "",  # no capacity provider: the default Lambda, where nodejs22.x still runs callback handlers
    "      CapacityProviderConfig: {}\n",  # no ARN named: not attached to anything
    "      CapacityProviderConfig: {Arn: !GetAtt Provider.Arn}\n",  # SAM's spelling is not CloudFormation's
])
def test_cloudformation_without_a_capacity_provider_keeps_the_warning(tmp_path, capsys, config):
    handler_files(tmp_path)
    write(tmp_path, {"template.yaml": cloudformation_template("nodejs22.x", config)})
    assert_warnings(findings(capsys, str(tmp_path)))


def cloudformation_template(runtime: str, extra: str) -> str:
    resources = "".join(
        f"  {name.title().replace('.', '')}:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        f"      Handler: {name[:-3]}.handler\n      Runtime: {runtime}\n      Code: src/\n      Role: arn:aws:iam::1:role/r\n"
        + extra
        for name in HANDLERS
    )
    return "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + resources


def test_cloudformation_capacity_provider_on_nodejs22_fails_at_init(tmp_path, capsys):
    handler_files(tmp_path)
    config = (
        "      CapacityProviderConfig:\n"
        "        LambdaManagedInstancesCapacityProviderConfig:\n"
        "          CapacityProviderArn: arn:aws:lambda:eu-west-1:123456789012:capacity-provider:pool\n"
        "          ExecutionEnvironmentMemoryGiBPerVCpu: 4\n"
    )
    write(tmp_path, {"template.yaml": cloudformation_template("nodejs22.x", config)})
    assert_managed_errors(findings(capsys, str(tmp_path)))


def test_cloudformation_json_capacity_provider(tmp_path, capsys):
    handler_files(tmp_path)
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Handler": "legacy.handler", "Runtime": "nodejs22.x", "Code": "src/", "Role": "arn:aws:iam::1:role/r",
            "CapacityProviderConfig": {"LambdaManagedInstancesCapacityProviderConfig": {
                "CapacityProviderArn": {"Fn::GetAtt": ["Pool", "Arn"]}}},
        },
    }
    (tmp_path / "template.json").write_text(json.dumps({"Resources": {"Legacy": function}}, indent=2))
    result = by_file(findings(capsys, str(tmp_path)))
    assert result["legacy.js"][1] == "error" and result["legacy.js"][2].startswith(MANAGED_FAILURE)


def test_list_handlers_shows_managed_instances(tmp_path, capsys, monkeypatch):
    handler_files(tmp_path)
    template = SAM_MANAGED.format(runtime="nodejs22.x").replace(
        "{Handler: legacy.handler}", "{Handler: legacy.handler, CapacityProviderConfig: {Arn: !GetAtt Provider.Arn}}"
    )
    write(tmp_path, {"template.yaml": template})
    monkeypatch.chdir(tmp_path)
    main(["check", "--list-handlers", "."])
    listed = capsys.readouterr().out.splitlines()
    assert "src/legacy.js:1 handler (from template.yaml; nodejs22.x on Lambda Managed Instances)" in listed
    assert "src/mixed.js:1 handler (from template.yaml; nodejs22.x)" in listed


# -- adapter forms: `serverlessExpress({ app }).handler` and `middy().handler(fn)` -------------

def test_vendia_4_1_handler_member_is_the_adapter_handler(tmp_path, capsys):
    """@vendia/serverless-express 4.1.0 returns `{ proxy, handler, log }` and its `handler` has length 3."""
    write(tmp_path, {
        "package.json": '{"dependencies": {"@vendia/serverless-express": "4.1.0"}}',
        "src/api.js": """
            const serverlessExpress = require('@vendia/serverless-express');
            const app = require('./app');
            exports.handler = serverlessExpress({ app }).handler;
        """,
        "src/app.js": "module.exports = (req, res) => res.end('ok');\n",
    })
    (finding,) = findings(capsys, "--target-runtime", "nodejs24.x", str(tmp_path))
    assert (finding["rule"], finding["severity"], finding["line"]) == ("callback-handler", "error", 3)
    assert "@vendia/serverless-express 4.1.0 (package.json), whose serverlessExpress({ app }), as `.handler`," in finding["message"]
    assert finding["message"].endswith("move to @codegenie/serverless-express 5.0.0 (every @vendia/serverless-express 4.x handler takes a callback)")


def test_handler_member_of_another_adapter_is_not_guessed(tmp_path, capsys):
    """Only the adapter measured to return `{ handler }` is read through `.handler`."""
    write(tmp_path, {
        "package.json": '{"dependencies": {"@fastify/aws-lambda": "5.1.4"}}',
        "src/api.mjs": """
            import awsLambdaFastify from '@fastify/aws-lambda';
            import Fastify from 'fastify';
            export const handler = awsLambdaFastify(Fastify()).handler;
        """,
    })
    assert findings(capsys, "--target-runtime", "nodejs24.x", str(tmp_path)) == []


@pytest.mark.parametrize("version", ["3.6.2", "5.5.1", "6.4.5"])
def test_middy_handler_method_is_never_a_callback_handler(tmp_path, capsys, version):
    """`middy().handler(fn)` (from @middy/core 3) returns the middy function itself: length 0, then 2."""
    write(tmp_path, {
        "package.json": f'{{"dependencies": {{"@middy/core": "{version}"}}}}',
        "src/api.mjs": """
            import middy from '@middy/core';
            export const handler = middy().handler(async (event, context) => event.id);
            export const withOptions = middy().handler(async (event, context, { signal }) => event.id);
        """,
    })
    assert findings(capsys, "--target-runtime", "nodejs24.x", str(tmp_path)) == []
