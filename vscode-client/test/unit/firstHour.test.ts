/**
 * Issue 14's first-hour items on the extension side: the bundled server (real launcher, real Pythons),
 * the Remote settings in a remote window, the Fix All message when only unsafe fixes remain, and the
 * server's stderr logged at its own level.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { unsafeOnlyReason } from "../../src/commands";
import { COMMANDS, activate, deactivate } from "../../src/extension";
import { BUNDLED_LAUNCHER, bundledLauncherIn, findOnPath, resolveServerCommand, type VariableContext } from "../../src/launch";
import { OPEN_REMOTE_SETTINGS, OPEN_SETTINGS, OPEN_USER_SETTINGS, settingsCommandFor } from "../../src/missingServer";
import { probeCommandFor, probeServer } from "../../src/probe";
import { ServerLogReader } from "../../src/serverLog";
import { CodeActionKind, stub } from "../stubs/vscode";

const EXTENSION = path.resolve(__dirname, "..", "..", "..");
const context: VariableContext = { workspaceFolder: "/work/app", home: "/home/dev", env: { PATH: "" } };
const launcher = "/ext/bundled/tool/lambda_leak_server.py";

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the bundled server (lambdaLeak.importStrategy)", () => {
  it("runs the bundled launcher with the chosen Python by default, and -m lambda_leak with fromEnvironment", () => {
    const bundled = resolveServerCommand({ interpreter: "/usr/bin/python3.12", context, bundledLauncher: launcher });
    assert.deepEqual(bundled, {
      command: "/usr/bin/python3.12",
      args: [launcher, "server"],
      source: "interpreter",
      python: ["/usr/bin/python3.12"],
      bundled: launcher,
    });
    const fromPath = resolveServerCommand({ context, bundledLauncher: launcher, findExecutable: () => "/usr/bin/python3" });
    assert.deepEqual(fromPath?.args, [launcher, "server"]);
    const installed = resolveServerCommand({ interpreter: "/venv/bin/python", context, bundledLauncher: launcher, importStrategy: "fromEnvironment" });
    assert.deepEqual(installed?.args, ["-m", "lambda_leak", "server"]);
    assert.equal(installed.bundled, undefined);
    // serverPath is an explicit program: it wins over the bundle.
    assert.equal(resolveServerCommand({ serverPath: "/bin/lambda-leak", context, bundledLauncher: launcher })?.source, "serverPath");
  });

  it("finds the launcher only when the package carries the bundle", () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-leak-bundle-"));
    try {
      assert.equal(bundledLauncherIn(scratch), undefined);
      fs.mkdirSync(path.join(scratch, "bundled", "tool"), { recursive: true });
      fs.writeFileSync(path.join(scratch, ...BUNDLED_LAUNCHER), "");
      assert.equal(bundledLauncherIn(scratch), undefined, "a launcher without libs is no bundle");
      fs.mkdirSync(path.join(scratch, "bundled", "libs", "lambda_leak"), { recursive: true });
      assert.equal(bundledLauncherIn(scratch), path.join(scratch, ...BUNDLED_LAUNCHER));
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("probes with the launcher, and never offers pip for a bundle", async () => {
    const command = resolveServerCommand({ interpreter: "/py", context, bundledLauncher: launcher });
    assert.ok(command);
    assert.deepEqual(probeCommandFor(command), { command: "/py", args: [launcher, "--probe"] });
    const old = await probeServer(command, () => Promise.resolve({ exitCode: 4, stderr: "lambda-leak needs Python 3.11 or newer; /py is Python 3.9.18\n" }));
    assert.deepEqual(old, { kind: "failed", detail: "/py exited with 4: lambda-leak needs Python 3.11 or newer; /py is Python 3.9.18" });
    const broken = await probeServer(command, () => Promise.resolve({ exitCode: 3, stderr: "" }));
    assert.equal(broken.kind, "failed");
  });

  // The real launcher against this build's bundle (make bundle), when it is there.
  const realLauncher = bundledLauncherIn(EXTENSION);
  (realLauncher ? it : it.skip)("the real launcher: ready on this Python, a clear refusal on Python < 3.11", () => {
    const python = findOnPath(["python3"]);
    assert.ok(python && realLauncher);
    const ok = spawnSync(python, [realLauncher, "--probe"], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    const check = spawnSync(python, [realLauncher, "check", "--stdin-filename", "h.js", "-"], {
      input: "exports.handler = async () => { setTimeout(() => {}, 5); };\n",
      encoding: "utf8",
    });
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /timer-leak/);
    // As vscode-languageclient runs it: the resolved command plus `--stdio`; stdin at EOF ends it cleanly.
    const command = resolveServerCommand({ interpreter: python, context, bundledLauncher: realLauncher });
    assert.ok(command);
    const served = spawnSync(command.command, [...command.args, "--stdio"], { input: "", encoding: "utf8", timeout: 30000 });
    assert.equal(served.status, 0, served.stderr);
    const legacy = ["/root/.pyenv/versions/3.9.18/bin/python", "/usr/bin/python3.9"].find((p) => fs.existsSync(p));
    if (legacy) {
      const refused = spawnSync(legacy, [realLauncher, "--probe"], { encoding: "utf8" });
      assert.equal(refused.status, 4);
      assert.match(refused.stderr, /needs Python 3\.11 or newer/);
    }
  });
});

describe("remote windows", () => {
  afterEach(async () => {
    await deactivate();
  });

  it("opens the Remote settings when vscode.env.remoteName is set, the User settings otherwise", () => {
    assert.deepEqual(settingsCommandFor(undefined), { command: OPEN_USER_SETTINGS, args: ["@ext:lambda-leak.lambda-leak"] });
    assert.deepEqual(settingsCommandFor("ssh-remote"), { command: OPEN_REMOTE_SETTINGS, args: [{ query: "@ext:lambda-leak.lambda-leak" }] });
  });

  it("in a remote window, the not-installed message says where the setting applies and leads there", async () => {
    stub.reset();
    stub.remoteName = "ssh-remote";
    stub.settings.user = { "lambdaLeak.interpreter": "/nonexistent/python" };
    stub.answers = [OPEN_SETTINGS];
    activate({ subscriptions: [] } as unknown as vscode.ExtensionContext);
    await waitFor("the notification", () => stub.messages.length > 0);
    assert.match(stub.messages[0]?.text ?? "", /in the Remote \[ssh-remote\] settings \(User settings do not apply in a remote window\)/);
    await waitFor("the Remote settings", () => stub.executed.some((e) => e.command === OPEN_REMOTE_SETTINGS));
    assert.ok(!stub.executed.some((e) => e.command === OPEN_USER_SETTINGS));
  });
});

describe("Fix All when only unsafe fixes remain", () => {
  const diagnostic = (safe: boolean[]) => ({ source: "lambda-leak", data: { fixes: safe.map((s) => ({ title: "x", safe: s })) } });

  it("counts the leaks whose fixes are all unsafe", () => {
    assert.equal(unsafeOnlyReason([]), undefined);
    assert.equal(unsafeOnlyReason([diagnostic([true]), diagnostic([])] as unknown as vscode.Diagnostic[]), undefined);
    assert.equal(
      unsafeOnlyReason([diagnostic([false]), diagnostic([false, false]), diagnostic([true])] as unknown as vscode.Diagnostic[]),
      "2 leaks have only unsafe fixes: use the quick fix on each",
    );
  });

  it("shows the server's reason for a disabled fix-all action, or counts the diagnostics itself", async () => {
    stub.reset();
    stub.settings.user = { "lambdaLeak.enable": false };
    const active = { subscriptions: [] as { dispose(): unknown }[] };
    activate(active as unknown as vscode.ExtensionContext);
    const uri = vscode.Uri.file("/ws/timer.js");
    stub.activeTextEditor = {
      document: { languageId: "javascript", uri, getText: () => "x", positionAt: (n: number) => new vscode.Position(0, n) },
    };
    stub.executeResults.set("vscode.executeCodeActionProvider", [
      { title: "Fix all", kind: new CodeActionKind("source.fixAll.lambda-leak"), disabled: { reason: "1 leak has only unsafe fixes: use the quick fix on each" } },
    ]);
    await vscode.commands.executeCommand(COMMANDS.fixAll);
    stub.executeResults.set("vscode.executeCodeActionProvider", []);
    stub.diagnostics.set(uri.toString(), [diagnostic([false]), diagnostic([false])]);
    await vscode.commands.executeCommand(COMMANDS.fixAll);
    assert.deepEqual(stub.messages.map((m) => m.text), [
      "Lambda Leak: 1 leak has only unsafe fixes: use the quick fix on each",
      "Lambda Leak: 2 leaks have only unsafe fixes: use the quick fix on each",
    ]);
    assert.deepEqual(stub.appliedEdits, []);
    await deactivate();
    active.subscriptions.forEach((d) => d.dispose());
  });
});

describe("the server's stderr in the output", () => {
  it("logs each line at the level the server gave it; a traceback keeps its error level", () => {
    const lines: string[] = [];
    const record = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
    const reader = new ServerLogReader({ error: record("error"), warn: record("warn"), info: record("info"), debug: record("debug") });
    for (const line of [
      'lambda-leak WARNING pygls.protocol.json_rpc: Cancel notification for unknown message id "12"',
      "lambda-leak INFO lambda_leak.lsp: indexed 12 files",
      "lambda-leak ERROR lambda_leak.lsp: analysing a.js failed",
      "Traceback (most recent call last):",
    ]) {
      reader.line(line);
    }
    assert.deepEqual(lines.map((l) => l.split(":")[0]), ["warn", "info", "error", "error"]);
  });
});
