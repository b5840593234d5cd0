"""The issue-3 Node.js rules beyond their fixtures: defaults, severities, fix safety, the advice
in messages, and — run under Node — that the rewritten code really waits for its work."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from lambda_leak.cli import main
from lambda_leak.config import Config
from lambda_leak.engine import analyse_source
from lambda_leak.fixing import fix_source
from lambda_leak.model import Severity
from lambda_leak.rules import rule_info


def _findings(code: str, *rules: str, path: str = "handler.js", scope: str = "handlers"):
    report = analyse_source(path, textwrap.dedent(code), Config(select=frozenset(rules), scope=scope))
    assert report.error is None, report.error
    return report.findings


NO_AWAIT = """
exports.handler = async (event) => {
  setTimeout(() => console.log("later"), 20);
  return "OK";
};
"""


def test_require_await_is_an_opt_in_hint():
    info = rule_info("require-await")
    assert info.default_enabled is False and info.severity is Severity.HINT
    assert [f.rule for f in analyse_source("h.js", NO_AWAIT, Config()).findings] == ["timer-leak"]
    hint = _findings(NO_AWAIT, "require-await")
    assert [(f.rule, f.severity) for f in hint] == [("require-await", Severity.HINT)]


def test_require_await_from_the_command_line(tmp_path, capsys):
    (tmp_path / "handler.js").write_text(NO_AWAIT)
    assert main(["check", str(tmp_path), "--select", "require-await", "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["severity"], f["line"]) for f in found] == [("require-await", "hint", 2)]


def test_require_await_in_scope_all_reaches_functions_off_the_path():
    code = "async function helper() { console.log('x'); }\n"
    assert _findings(code, "require-await") == []
    assert len(_findings(code, "require-await", scope="all")) == 1


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        ("const fs = require('fs');\nexports.handler = async () => { fs.unlink('/tmp/x', () => {}); };", "fs.promises"),
        (
            "const AWS = require('aws-sdk');\nconst sns = new AWS.SNS();\n"
            "exports.handler = async () => { sns.publish({}, (err) => {}); };",
            ".promise()",
        ),
        ("exports.handler = async (e) => { e.db.get(e.id, (err, row) => console.log(row)); };", "util.promisify"),
        ("const pg = require('pg');\nconst c = new pg.Client();\nexports.handler = async () => { c.query('x', () => {}); };", "without a callback"),
    ],
)
def test_callback_api_leak_names_the_promise_api_to_prefer(code, advice):
    (finding,) = _findings(code, "callback-api-leak")
    assert advice in finding.message
    assert [(fix.title, fix.safe) for fix in finding.fixes] == [("Wrap in an awaited promise", True)]


def test_fs_promises_and_sync_calls_are_not_callback_apis():
    code = """
    const fs = require("fs");
    const { readFile } = require("fs").promises;
    exports.handler = async () => {
      const a = fs.readFileSync("/a");
      const b = await readFile("/b", "utf8");
      const c = await fs.promises.readFile("/c");
      return [a, b, c];
    };
    """
    assert _findings(code, "callback-api-leak") == []


def test_no_wait_fix_is_unsafe_and_left_alone_by_safe_fixing():
    code = "exports.handler = (event, context, cb) => {\n  context.callbackWaitsForEmptyEventLoop = false;\n  cb(null, 1);\n};\n"
    config = Config(select=frozenset({"no-wait-for-empty-event-loop"}))
    (finding,) = analyse_source("h.js", code, config).findings
    assert [fix.safe for fix in finding.fixes] == [False]
    assert fix_source("h.js", code, config).text == code
    assert "callbackWaitsForEmptyEventLoop" not in fix_source("h.js", code, config, unsafe=True).text


def test_listener_leak_has_no_fix_and_fresh_objects_are_fine():
    code = """
    const { EventEmitter } = require("events");
    const shared = new EventEmitter();
    exports.handler = async () => {
      const local = new EventEmitter();
      local.on("x", () => {});
      shared.on("x", () => {});
      return "OK";
    };
    """
    (finding,) = _findings(code, "listener-leak")
    assert finding.range.start.line == 6 and finding.fixes == ()


def test_context_method_in_a_helper_is_reported_without_a_fix():
    code = """
    function reply(context, body) { context.succeed(body); }
    exports.handler = (event, context) => { reply(context, "OK"); };
    """
    (finding,) = _findings(code, "deprecated-context-method")
    assert finding.fixes == ()


def test_mixed_handler_typescript_conversion():
    code = """
    import type { Context, Callback } from "aws-lambda";
    export const handler = async (event: { id: string }, context: Context, callback: Callback) => {
      const item = await load(event.id);
      callback(null, item);
    };
    async function load(id: string) { return { id }; }
    """
    outcome = fix_source("h.ts", textwrap.dedent(code), Config(select=frozenset({"mixed-handler"})))
    assert "callback" not in outcome.text.split("export const handler", 1)[1].split("\n", 1)[0]
    assert "return item;" in outcome.text
    assert [f.rule for f in outcome.report.findings] == []


# -- the fixed code waits, under Node -------------------------------------------------------

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

_RUNNER = """
const done = [];
const api = {
  write(name, callback) { setTimeout(() => { done.push(name); callback(null, name); }, 5); },
  fail(callback) { setTimeout(() => callback(new Error("boom")), 5); },
};
const save = (x) => new Promise((resolve) => setTimeout(() => { done.push(x); resolve(); }, 5));
%s
(async () => {
  let error = null;
  try { await exports.handler({ items: ["a", "b"] }); } catch (e) { error = e.message; }
  console.log(JSON.stringify({ done, error }));
})();
"""


def _run_fixed(code: str, rule: str) -> dict:
    outcome = fix_source("h.js", textwrap.dedent(code), Config(select=frozenset({rule})), unsafe=True)
    assert not [f for f in outcome.report.findings if f.rule == rule]
    result = subprocess.run(["node", "-e", _RUNNER % outcome.text], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_node
def test_wrapped_callback_runs_before_the_handler_returns():
    code = """
    exports.handler = async (event) => {
      api.write("first", (err, name) => {
        if (err) throw err;
        done.push("callback:" + name);
      });
      return "OK";
    };
    """
    assert _run_fixed(code, "callback-api-leak") == {"done": ["first", "callback:first"], "error": None}


@needs_node
def test_wrapped_callback_error_rejects_the_handler():
    code = """
    exports.handler = async (event) => {
      api.fail((err) => {
        done.push("ignored the error");
      });
    };
    """
    assert _run_fixed(code, "callback-api-leak") == {"done": [], "error": "boom"}


@needs_node
def test_promise_all_fix_waits_for_every_callback():
    code = """
    exports.handler = async (event) => {
      event.items.forEach(async (item) => {
        await save(item);
      });
      return "OK";
    };
    """
    assert sorted(_run_fixed(code, "async-foreach")["done"]) == ["a", "b"]


# -- fixed TypeScript still type-checks (when the extension's TypeScript is installed) ------------

_CLIENT_MODULES = Path(__file__).resolve().parents[2] / "vscode-client" / "node_modules"
_TSC = _CLIENT_MODULES / ".bin" / "tsc"


@pytest.mark.skipif(
    not _TSC.exists() or not (_CLIENT_MODULES / "@types" / "node").exists() or shutil.which("node") is None,
    reason="TypeScript and @types/node from vscode-client are not installed",
)
def test_fixed_typescript_type_checks_strictly(tmp_path):
    code = """
    import * as fs from "fs";

    function onStat(err: NodeJS.ErrnoException | null, stats: fs.Stats) {
      if (!err) console.log(stats.size);
    }
    async function save(id: string): Promise<void> {
      await fs.promises.writeFile(`/tmp/${id}`, id);
    }

    export const handler = async (event: { ids: string[] }) => {
      fs.appendFile("/tmp/log", "x", (err) => {
        console.log("appended");
      });
      fs.stat("/tmp/log", onStat);
      event.ids.forEach(async (id) => {
        await save(id);
      });
      return event.ids.length;
    };
    """
    rules = frozenset({"callback-api-leak", "async-foreach"})
    outcome = fix_source("h.ts", textwrap.dedent(code), Config(select=rules))
    assert len(outcome.applied) == 3
    (tmp_path / "h.ts").write_text(outcome.text)
    result = subprocess.run(
        [str(_TSC), "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--lib", "es2022",
         "--module", "commonjs", "--typeRoots", str(_CLIENT_MODULES / "@types"), "--types", "node", "h.ts"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_follow_the_handler_into_another_file(tmp_path, capsys):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "store.js").write_text(textwrap.dedent("""\
        const fs = require("fs");
        async function persist(data) {
          fs.writeFile("/tmp/x", data, (err) => console.log("saved", err));
        }
        async function unused(data) {
          fs.writeFile("/tmp/y", data, (err) => console.log("saved", err));
        }
        module.exports = { persist, unused };
        """))
    (tmp_path / "handler.js").write_text(textwrap.dedent("""\
        const { persist } = require("./lib/store");
        exports.handler = async (event) => {
          await persist(JSON.stringify(event));
          return "OK";
        };
        """))
    main(["check", str(tmp_path), "--format", "json", "--select", "callback-api-leak,require-await"])
    found = sorted((f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out))
    assert found == [("callback-api-leak", 3), ("require-await", 2)]
