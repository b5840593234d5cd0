"""Findings that need more than one file: imported promise makers and handler paths that run
into other modules, through CommonJS, ESM, TypeScript `.js` specifiers, index files and
re-exports; and handlers that only a SAM template names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tree_helpers import check_json, run_check, write_tree

from lambda_leak.cli import main

RULES = ("--select", "floating-promise,timer-leak")


def test_commonjs_helper_in_another_file_is_on_the_handler_path(tmp_path, capsys):
    write_tree(tmp_path, {
        "handler.js": """
            const { notify, later } = require('./lib/util');
            const util = require('./lib/util.js');

            exports.handler = async (event) => {
              notify(event);                // imported async function: floats
              later();                      // its setTimeout is reported in lib/util.js
              await util.notify('awaited'); // fine
              return { statusCode: 200 };
            };
        """,
        "lib/util.js": """
            async function notify(e) {
              await fetch('https://hooks.example.com', { method: 'POST', body: JSON.stringify(e) });
            }
            function later() {
              setTimeout(() => console.log('late'), 100);
            }
            function unused() {
              setTimeout(() => console.log('never on a handler path'), 5);
              notify('nor this');
            }
            module.exports = { notify, later, unused };
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("handler.js", "floating-promise", 5, 3),
        ("lib/util.js", "timer-leak", 5, 3),
    ]


def test_checking_only_the_library_still_sees_the_handler_that_calls_it(tmp_path, capsys):
    write_tree(tmp_path, {
        "template.yaml": """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: handler.handler
                  Runtime: nodejs20.x
        """,
        "handler.js": """
            const { later } = require('./lib/util');
            exports.handler = async () => { later(); };
        """,
        "lib/util.js": """
            exports.later = () => { setTimeout(() => {}, 100); };
        """,
    })
    assert check_json(capsys, tmp_path, "lib", extra=RULES) == [("lib/util.js", "timer-leak", 1, 25)]


def test_esm_named_namespace_and_default_imports(tmp_path, capsys):
    write_tree(tmp_path, {
        "src/app.mjs": """
            import { save } from '../lib/db.mjs';
            import * as db from '../lib/db.mjs';
            import store from '../lib/store.mjs';

            export const handler = async (event) => {
              save(event.id);
              db.save(event.id);
              store.put(event);
              store.size();
              await save('ok');
            };
        """,
        "lib/db.mjs": """
            export async function save(id) {
              return id;
            }
        """,
        "lib/store.mjs": """
            const store = {
              async put(item) { return item; },
              size() { return 1; },
            };
            export default store;
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("src/app.mjs", "floating-promise", 6, 3),
        ("src/app.mjs", "floating-promise", 7, 3),
        ("src/app.mjs", "floating-promise", 8, 3),
    ]


def test_typescript_imports_with_js_specifiers_reach_the_ts_sources(tmp_path, capsys):
    write_tree(tmp_path, {
        "src/handler.ts": """
            import type { SQSEvent } from 'aws-lambda';
            import { enqueue, schedule } from './queue.js';
            import { Repository } from './repo.js';

            const repo = new Repository();

            export const handler = async (event: SQSEvent): Promise<void> => {
              enqueue(event.Records[0].body);
              schedule('tick');
              repo.store(event);
              repo.describe();
            };
        """,
        "src/queue.ts": """
            import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
            const sqs = new SQSClient({});

            export function enqueue(body: string): Promise<unknown> {
              return sqs.send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: body }));
            }

            export function schedule(body: string): void {
              setInterval(() => enqueue(body), 1000);
            }
        """,
        "src/repo.ts": """
            export class Repository {
              async store(item: unknown) { return item; }
              describe() { return 'repo'; }
            }
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("src/handler.ts", "floating-promise", 8, 3),
        ("src/handler.ts", "floating-promise", 10, 3),
        ("src/queue.ts", "timer-leak", 9, 3),
    ]


def test_index_files_reexports_and_spread_requires(tmp_path, capsys):
    write_tree(tmp_path, {
        "functions/orders.js": """
            const lib = require('../lib');
            const { track } = require('../shared');

            module.exports.handler = async (event) => {
              lib.save(event);
              lib.count(event);
              track(event);
              lib.store(event);
            };
        """,
        "lib/index.js": """
            module.exports = {
              ...require('./db'),
              count: (x) => x.length,
              store: require('./db').save,
            };
        """,
        "lib/db.js": """
            exports.save = async (item) => item;
        """,
        "shared/index.ts": """
            export * from './metrics.js';
        """,
        "shared/metrics.ts": """
            export { emit as track } from './emit.js';
        """,
        "shared/emit.ts": """
            export function emit(event: unknown) {
              setImmediate(() => console.log(event));
            }
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("functions/orders.js", "floating-promise", 5, 3),
        ("functions/orders.js", "floating-promise", 8, 3),
        ("shared/emit.ts", "timer-leak", 2, 3),
    ]


def test_a_handler_that_returns_an_imported_promise_does_not_wait(tmp_path, capsys):
    # Not `async`, but it returns a promise made in another file: the invocation ends when it settles.
    write_tree(tmp_path, {
        "handler.js": """
            const { processEvent } = require('./work');
            exports.handler = (event) => processEvent(event);
        """,
        "work.js": """
            const { store } = require('./store');
            exports.processEvent = (event) => {
              setTimeout(() => console.log('later'), 10);
              return store(event);
            };
        """,
        "store.js": """
            exports.store = async (event) => event;
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [("work.js", "timer-leak", 3, 3)]


def test_callback_handlers_wait_for_the_event_loop_unless_told_not_to(tmp_path, capsys):
    write_tree(tmp_path, {
        "waits.js": """
            const { later } = require('./util');
            exports.handler = (event, context, callback) => {
              later();
              callback(null, 'ok');
            };
        """,
        "util.js": """
            exports.later = () => { setTimeout(() => {}, 100); };
            exports.other = () => { setTimeout(() => {}, 100); };
        """,
        "nowait.js": """
            const { other } = require('./util');
            exports.handler = (event, context, callback) => {
              context.callbackWaitsForEmptyEventLoop = false;
              other();
              callback(null, 'ok');
            };
        """,
    })
    assert check_json(capsys, tmp_path, extra=("--select", "timer-leak")) == [("util.js", "timer-leak", 2, 25)]


def test_sam_template_names_a_handler_with_any_export_name(tmp_path, capsys):
    files = {
        "template.yaml": """
            AWSTemplateFormatVersion: '2010-09-09'
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Runtime: nodejs20.x
            Resources:
              OrdersFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.processOrder
                  Environment:
                    Variables:
                      TABLE: !Ref OrdersTable
              OrdersTable:
                Type: AWS::DynamoDB::Table
        """,
        "src/app.js": """
            const { record } = require('./audit');
            exports.processOrder = async (event) => {
              record(event);
              return { statusCode: 200 };
            };
        """,
        "src/audit.js": """
            exports.record = (event) => {
              setTimeout(() => console.log('audit', event), 0);
            };
        """,
    }
    write_tree(tmp_path, files)
    assert check_json(capsys, tmp_path, extra=RULES) == [("src/audit.js", "timer-leak", 2, 3)]
    (tmp_path / "template.yaml").unlink()  # without the deployment, processOrder is not a handler
    assert check_json(capsys, tmp_path, extra=RULES) == []


def test_import_cycles_end(tmp_path, capsys):
    write_tree(tmp_path, {
        "a.js": """
            const b = require('./b');
            exports.handler = async () => { b.ping(); };
            exports.pong = async () => { b.ping(); };
        """,
        "b.js": """
            const a = require('./a');
            exports.ping = () => a.pong();
        """,
        "c.mjs": "export * from './d.mjs';\n",
        "d.mjs": "export * from './c.mjs';\n",
        "e.mjs": "import { nothing } from './c.mjs';\nexport const handler = async () => { nothing(); };\n",
    })
    # ping() returns a promise (pong is async), so both calls float; b.ping runs in a's handler path.
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("a.js", "floating-promise", 2, 33),
        ("a.js", "floating-promise", 3, 30),
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parallel_and_serial_checks_agree(tmp_path, capsys, jobs):
    files = {}
    for n in range(12):
        files[f"fn/h{n}.js"] = f"""
            const {{ later, save }} = require('../lib/util');
            exports.handler = async (event) => {{ later({n}); save(event); }};
        """
    files["lib/util.js"] = """
        exports.later = (n) => { setTimeout(() => n, 1); };
        exports.save = async (e) => e;
        exports.idle = () => { setTimeout(() => 0, 1); };
    """
    files["broken.js"] = "exports.handler = async (event) => { setTimeout(() => 1, 1); \n"
    write_tree(tmp_path, files)
    expected = [("broken.js", "timer-leak", 1, 38)]
    expected += sorted((f"fn/h{n}.js", "floating-promise", 2, 47 + len(str(n))) for n in range(12))
    expected += [("lib/util.js", "timer-leak", 1, 26)]
    found, errors = run_check(capsys, tmp_path, extra=(*RULES, "--jobs", jobs))
    assert found == expected
    assert errors.count("broken.js: syntax error") == 1


def test_bad_files_in_the_tree_do_not_stop_the_check(tmp_path, capsys):
    write_tree(tmp_path, {
        "handler.js": """
            const { a } = require('./broken');
            const { b } = require('./binary');
            const { c } = require('./latin1');
            const { d } = require('./good');
            exports.handler = async () => { a(); b(); c(); d(); };
        """,
        "broken.js": "exports.a = async ( => {\n",
        "good.js": "exports.d = () => { setTimeout(() => 1, 1); };\n",
    })
    (tmp_path / "binary.js").write_bytes(b"\x00\x01\x02exports.b = 1")
    (tmp_path / "latin1.js").write_bytes("exports.c = () => 'caf\xe9';\n".encode("latin-1"))
    found, errors = run_check(capsys, tmp_path, extra=RULES)
    assert found == [("good.js", "timer-leak", 1, 21)]
    assert "binary.js: binary file, skipped" in errors
    assert "latin1.js: not UTF-8" in errors
    assert "broken.js: syntax error" in errors


def test_a_declared_handler_that_is_re_exported_is_analysed_where_it_is_defined(tmp_path, capsys):
    write_tree(tmp_path, {
        "template.yaml": """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Runtime: nodejs20.x
            Resources:
              Esm:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: esm/index.main
              Cjs:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: cjs/index.entry
        """,
        "esm/index.mjs": "export { run as main } from './impl.mjs';\n",
        "esm/impl.mjs": """
            export const run = async (event) => {
              setTimeout(() => console.log(event), 10);
            };
            export const other = async () => { setTimeout(() => 1, 1); };
        """,
        "cjs/index.js": """
            const impl = require('./impl');
            module.exports = { entry: impl.start };
        """,
        "cjs/impl.js": """
            exports.start = async () => { setImmediate(() => 1); };
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("cjs/impl.js", "timer-leak", 1, 31),
        ("esm/impl.mjs", "timer-leak", 2, 3),
    ]


SERVICE_TREE = {
    "src/notify.ts": """
        import { Mailer } from "mail-kit";
        export class NotificationService {
          constructor(private readonly mailer: Mailer) {}
          async trigger(message: string): Promise<void> {
            await this.mailer.deliver({ body: message });
          }
        }
    """,
    "src/repo.js": """
        class Repo {
          save(item) { return fetch('https://db.internal', { method: 'POST', body: item }); }
          label(item) { return `item ${item}`; }
        }
        module.exports = { Repo };
    """,
    "src/orders.ts": """
        import type { NotificationService } from "./notify";
        import { Repo } from "./repo";
        export class OrderService {
          private repo = new Repo();
          constructor(private readonly notifications: NotificationService) {}
          async place(order: string) {
            this.notifications.trigger("placed");
            this.repo.label(order);
            this.audit(order);
          }
          audit(order: string) {
            this.repo.save(order);
          }
        }
    """,
    "src/signup.ts": """
        import { Mailer } from "mail-kit";
        import { OrderService } from "./orders";
        import { NotificationService } from "./notify";
        const mailer = new Mailer();
        const service = new OrderService(new NotificationService(mailer));
        export const handler = async (event: { email: string }) => {
          mailer.deliver({ to: event.email });
          mailer.close();
          await service.place(event.email);
          return { ok: true };
        };
    """,
}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_services_in_other_files_and_package_callees_awaited_elsewhere(tmp_path, capsys, jobs):
    write_tree(tmp_path, SERVICE_TREE)
    code = main(["check", str(tmp_path), "--format", "json", "--select", "floating-promise", "--jobs", jobs])
    findings = json.loads(capsys.readouterr().out)
    assert code == 1
    found = [(Path(f["path"]).relative_to(tmp_path).as_posix(), f["line"]) for f in findings]
    assert sorted(found) == [("src/orders.ts", 7), ("src/orders.ts", 12), ("src/signup.ts", 7)]
    evidence = next(f["message"] for f in findings if f["path"].endswith("signup.ts"))
    assert "awaited at" in evidence and "notify.ts:5" in evidence


def test_a_handler_that_wraps_an_imported_function_puts_that_function_on_the_path(tmp_path, capsys):
    write_tree(tmp_path, {
        "src/handler.js": """
            const middy = require("@middy/core");
            const Sentry = require("@sentry/aws-serverless");
            const { processOrder } = require("./orders");
            const { refund } = require("./refunds");
            exports.handler = middy(processOrder).use({ before: async () => {} });
            exports.refundHandler = Sentry.wrapHandler(refund);
        """,
        "src/orders.js": """
            async function processOrder(event) {
              fetch("https://orders.internal/received");
              return { ok: true };
            }
            module.exports = { processOrder };
        """,
        "src/refunds.mjs": """
            export async function refund(event) {
              fetch("https://refunds.internal/started");
              return { ok: true };
            }
            export async function unrelated() {
              fetch("https://never.internal");
            }
        """,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [
        ("src/orders.js", "floating-promise", 2, 3),
        ("src/refunds.mjs", "floating-promise", 2, 3),
    ]


ROUTER = """
    const { Router } = require("express");
    const router = Router();
    async function notify(id) { await fetch(`https://hooks.internal/${id}`); }
    router.post("/:id", async (req, res) => {
      notify(req.params.id);
      res.status(202).end();
    });
    module.exports = router;
"""


def test_routes_in_another_module_of_an_app_served_by_lambda_are_on_the_path(tmp_path, capsys):
    write_tree(tmp_path, {
        "src/app.js": """
            const express = require("express");
            const serverless = require("serverless-http");
            const app = express();
            app.use("/items", require("./items"));
            module.exports.handler = serverless(app);
        """,
        "src/items.js": ROUTER,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == [("src/items.js", "floating-promise", 5, 3)]


def test_an_express_server_without_a_lambda_adapter_is_not_a_handler_path(tmp_path, capsys):
    write_tree(tmp_path, {
        "src/server.js": """
            const express = require("express");
            const app = express();
            app.use("/items", require("./items"));
            app.listen(3000);
        """,
        "src/items.js": ROUTER,
    })
    assert check_json(capsys, tmp_path, extra=RULES) == []
