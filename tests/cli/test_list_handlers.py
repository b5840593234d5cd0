"""`lambda-leak check --list-handlers`: handlers found in code and declared by the deployment."""

from __future__ import annotations

import textwrap

from lambda_leak.cli import main

TREE = {
    "template.yaml": """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: nodejs20.x
            CodeUri: src/
        Resources:
          HelloWorldFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.lambdaHandler
              Events:
                Api:
                  Type: Api
                  Properties: {Path: !Sub '/hello', Method: get}
          OrdersFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: orders.processOrder
          ReExportedFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: entry.main
          GoneFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: gone.handler
          PythonFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: py/
              Handler: billing.charge
              Runtime: python3.12
    """,
    "src/app.js": """
        const axios = require('axios');

        exports.lambdaHandler = async (event, context) => {
          return { statusCode: 200, body: JSON.stringify(await axios.get('https://example.com')) };
        };
    """,
    "src/orders.mjs": """
        export function helper(x) { return x; }

        export async function processOrder(event) {
          return helper(event);
        }
    """,
    "src/entry.mjs": """
        // The deployment names entry.main; the function lives in impl.mjs.
        export { run as main } from './impl.mjs';
    """,
    "src/impl.mjs": """
        export const run = async (event) => event;
    """,
    "src/jobs/cron.ts": """
        import type { ScheduledEvent } from 'aws-lambda';

        export const handler = async (event: ScheduledEvent): Promise<void> => {
          console.log(event.time);
        };
    """,
    "src/util.js": """
        exports.format = (x) => String(x);
    """,
    "py/billing.py": """
        def charge(event, context):
            return {"ok": True}
    """,
    "py/worker.py": """
        import json


        def lambda_handler(event, context):
            return json.dumps(event)
    """,
}


def write(root, files):
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def list_handlers(capsys, *paths):
    code = main(["check", "--list-handlers", *paths])
    out = capsys.readouterr().out
    assert code == 0
    return out.splitlines()


def test_lists_code_and_declared_handlers(tmp_path, capsys, monkeypatch):
    write(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    assert list_handlers(capsys, ".") == [
        "py/billing.py:1 charge (from template.yaml; python3.12)",
        "py/worker.py:4 lambda_handler (from code)",
        "src/app.js:3 lambdaHandler (from template.yaml; nodejs20.x)",
        "src/entry.mjs:2 main (from template.yaml; nodejs20.x)",
        "src/jobs/cron.ts:3 handler (from code)",
        "src/orders.mjs:3 processOrder (from template.yaml; nodejs20.x)",
        "template.yaml:27 handler (from template.yaml; nodejs20.x)",  # its file is not on disk: where it is declared
    ]


def test_lists_only_handlers_under_the_given_paths(tmp_path, capsys, monkeypatch):
    write(tmp_path, TREE)
    monkeypatch.chdir(tmp_path / "src")
    # the template one folder up still declares what is in src/
    assert list_handlers(capsys, "jobs", "orders.mjs") == [
        "jobs/cron.ts:3 handler (from code)",
        "orders.mjs:3 processOrder (from template.yaml; nodejs20.x)",
    ]


def test_without_a_deployment_only_code_handlers(tmp_path, capsys, monkeypatch):
    write(tmp_path, {k: v for k, v in TREE.items() if k != "template.yaml"})
    monkeypatch.chdir(tmp_path)
    assert list_handlers(capsys, "src") == [
        "src/app.js:3 lambdaHandler (from code)",
        "src/jobs/cron.ts:3 handler (from code)",
    ]


def test_serverless_yml_handlers(tmp_path, capsys, monkeypatch):
    write(tmp_path, {
        "serverless.yml": """
            service: shop
            provider:
              name: aws
              runtime: nodejs20.x
            functions:
              checkout:
                handler: handlers/checkout.run
        """,
        "handlers/checkout.js": """
            module.exports.run = async (event) => ({ statusCode: 200 });
        """,
    })
    monkeypatch.chdir(tmp_path)
    assert list_handlers(capsys, ".") == ["handlers/checkout.js:1 run (from serverless.yml; nodejs20.x)"]


def test_cdk_handlers_and_their_cross_file_paths(tmp_path, capsys, monkeypatch):
    write(tmp_path, {
        "cdk.json": '{"app": "npx ts-node bin/app.ts"}',
        "lib/stack.ts": """
            import * as cdk from 'aws-cdk-lib';
            import * as lambda from 'aws-cdk-lib/aws-lambda';
            import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
            import { Construct } from 'constructs';

            export class ShopStack extends cdk.Stack {
              constructor(scope: Construct, id: string) {
                super(scope, id);
                new NodejsFunction(this, 'Checkout', { entry: 'lambda/checkout.ts', handler: 'pay' });
                new lambda.Function(this, 'Report', {
                  runtime: lambda.Runtime.NODEJS_20_X,
                  handler: 'report.build',
                  code: lambda.Code.fromAsset('lambda'),
                });
              }
            }
        """,
        "lambda/checkout.ts": """
            import { charge } from './payments';
            export const pay = async (event: unknown) => { charge(event); };
        """,
        "lambda/payments.ts": """
            export function charge(e: unknown) { setTimeout(() => console.log(e), 1); }
        """,
        "lambda/report.js": """
            exports.build = async () => ({});
        """,
    })
    monkeypatch.chdir(tmp_path)
    assert list_handlers(capsys, ".") == ["lambda/checkout.ts:2 pay (from cdk)", "lambda/report.js:1 build (from cdk; nodejs20.x)"]
    assert main(["check", ".", "--format", "github", "--select", "timer-leak"]) == 1
    assert capsys.readouterr().out.startswith("::warning file=lambda/payments.ts,line=1,col=38")
