import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { FIX_ALL_KIND, showHandlers } from "../../src/commands";
import { COMMANDS, activate, deactivate } from "../../src/extension";
import { findOnPath } from "../../src/launch";
import { INSTALL, OPEN_SETTINGS } from "../../src/missingServer";
import type { ManagedClient } from "../../src/serverManager";
import { CodeActionKind, EventEmitter, manifest, setFolders, stub, type FakeQuickPick } from "../stubs/vscode";

const context = () => ({ subscriptions: [] as { dispose(): unknown }[] });
let active: ReturnType<typeof context> | undefined;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function start(): void {
  active = context();
  activate(active as unknown as vscode.ExtensionContext);
}

const serverCommandLines = () => stub.logLines.filter((line) => line.includes("Server command"));
const statusText = () => stub.statusItems[0]?.text ?? "";

/** A real program that acts as a Python without lambda-leak: python3 with no site-packages. */
function pythonWithoutLambdaLeak(folder: string): string {
  const python = findOnPath(["python3"]);
  assert.ok(python, "python3 is needed on PATH for this test");
  const wrapper = path.join(folder, "python");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${python}" -S "$@"\n`, { mode: 0o755 });
  return wrapper;
}

describe("the extension in a stubbed VS Code", () => {
  let scratch: string;

  beforeEach(() => {
    stub.reset();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-leak-ext-"));
  });

  afterEach(async () => {
    await deactivate();
    for (const disposable of active?.subscriptions ?? []) {
      disposable.dispose();
    }
    active = undefined;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("registers every command the manifest contributes, and no other", () => {
    stub.settings.user = { "lambdaLeak.interpreter": "/nonexistent/python" };
    start();
    const contributed = manifest.contributes.commands.map((command) => command.command).sort();
    assert.deepEqual([...stub.commands.keys()].sort(), contributed);
    assert.deepEqual(Object.values(COMMANDS).sort(), contributed);
    const titles = manifest.contributes.commands.map((command) => command.title);
    assert.deepEqual(titles, ["Restart Server", "Fix All Leaks in File", "Show Handlers", "Show Output"]);
  });

  it("explains a Python that cannot be run, once, with a way to the settings", async () => {
    stub.settings.user = { "lambdaLeak.interpreter": "/nonexistent/python" };
    stub.answers = [OPEN_SETTINGS];
    start();
    await waitFor("the notification", () => stub.messages.length > 0);
    assert.equal(stub.messages.length, 1);
    assert.equal(stub.messages[0]?.level, "error");
    assert.match(stub.messages[0].text, /cannot start the server \(\/nonexistent\/python: not found\)/);
    assert.deepEqual(stub.messages[0].items, [OPEN_SETTINGS]);
    await waitFor("the settings", () => stub.executed.some((e) => e.command === "workbench.action.openSettings"));
    assert.match(statusText(), /\$\(error\) Lambda Leak/);

    await vscode.commands.executeCommand(COMMANDS.restartServer);
    assert.equal(serverCommandLines().length, 2, "the restart command did not restart");
    assert.equal(stub.messages.length, 1, "a restart repeated the notification");
  });

  it("offers to install lambda-leak into a Python that lacks it, with pip in a terminal, then restarts", async () => {
    const python = pythonWithoutLambdaLeak(scratch);
    stub.settings.user = { "lambdaLeak.interpreter": python };
    stub.answers = [INSTALL];
    start();
    await waitFor("the notification", () => stub.messages.length > 0);
    assert.match(stub.messages[0]?.text ?? "", /lambda-leak is not installed for the Python at /);
    assert.deepEqual(stub.messages[0]?.items, [INSTALL, OPEN_SETTINGS]);
    await waitFor("the terminal", () => stub.terminals.length > 0);
    const terminal = stub.terminals[0];
    assert.ok(terminal);
    assert.deepEqual(terminal.options, {
      name: "Lambda Leak: install",
      shellPath: python,
      shellArgs: ["-m", "pip", "install", "--upgrade", "lambda-leak"],
    });
    assert.equal(terminal.shown, true);

    terminal.exitStatus = { code: 0 };
    stub.closeTerminal.fire(terminal);
    await waitFor("a restart after the install", () => serverCommandLines().length === 2);
    await waitFor("the server to be checked again", () => stub.messages.length === 2);
  });

  it("takes the interpreter from the Python extension when none is set, and follows its changes", async () => {
    const changed = new EventEmitter<unknown>();
    const interpreter = path.join(scratch, "envs", "x", "bin", "python");
    stub.extensions.set("ms-python.python", {
      isActive: true,
      exports: {
        environments: {
          getActiveEnvironmentPath: () => ({ id: "x", path: interpreter }),
          resolveEnvironment: () => Promise.resolve({ executable: { uri: vscode.Uri.file(interpreter) } }),
          onDidChangeActiveEnvironmentPath: changed.event,
        },
      },
    });
    start();
    await waitFor("a server command", () => serverCommandLines().length === 1);
    assert.match(serverCommandLines()[0] ?? "", new RegExp(`from pythonExtension\\): ${interpreter} -m lambda_leak server`));
    changed.fire({ id: "y" });
    await waitFor("a restart for the new interpreter", () => serverCommandLines().length === 2);
  });

  it("restarts once for a burst of program setting changes", async () => {
    stub.settings.user = { "lambdaLeak.interpreter": "/nonexistent/python" };
    start();
    await waitFor("a server command", () => serverCommandLines().length === 1);
    for (let i = 0; i < 4; i++) {
      stub.configurationChange.fire({ affectsConfiguration: (section: string) => ["lambdaLeak", "lambdaLeak.interpreter"].includes(section) });
    }
    stub.configurationChange.fire({ affectsConfiguration: (section: string) => section === "editor" });
    await waitFor("the restart", () => serverCommandLines().length === 2);
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(serverCommandLines().length, 2);
  });

  it("starts afresh when workspace folders come or go", async () => {
    stub.settings.user = { "lambdaLeak.interpreter": "/nonexistent/python" };
    start();
    await waitFor("a server command", () => serverCommandLines().length === 1);
    stub.foldersChange.fire({ added: [], removed: [] });
    await waitFor("the restart", () => serverCommandLines().length === 2);
  });

  it("starts no server when lambdaLeak.enable is off", async () => {
    stub.settings.user = { "lambdaLeak.enable": false };
    start();
    await waitFor("the status", () => statusText().includes("Lambda Leak") && stub.statusItems[0]?.tooltip?.includes("disabled") === true);
    assert.deepEqual(serverCommandLines(), []);
    assert.deepEqual(stub.messages, []);
  });

  it("shows the output channel", async () => {
    stub.settings.user = { "lambdaLeak.enable": false };
    start();
    await vscode.commands.executeCommand(COMMANDS.showOutput);
    assert.ok(stub.executed.some((e) => e.command === "<output.show>"));
    assert.equal(stub.statusItems[0]?.command, COMMANDS.showOutput);
  });
});

describe("Fix All Leaks in File", () => {
  const fixAllEdit = { marker: "the server's edit" };
  const document = (languageId: string) => ({
    languageId,
    uri: vscode.Uri.file("/ws/handler.js"),
    getText: () => "exports.handler = (e, c, callback) => callback(null, 1);\n",
    positionAt: (offset: number) => new vscode.Position(0, offset),
  });

  beforeEach(() => {
    stub.reset();
    stub.settings.user = { "lambdaLeak.enable": false };
    active = context();
    activate(active as unknown as vscode.ExtensionContext);
  });

  afterEach(async () => {
    await deactivate();
    active?.subscriptions.forEach((disposable) => disposable.dispose());
  });

  it("applies the server's source.fixAll.lambda-leak action to the active file", async () => {
    stub.activeTextEditor = { document: document("javascript") };
    stub.executeResults.set("vscode.executeCodeActionProvider", [
      { title: "Add await", kind: new CodeActionKind("quickfix"), edit: { marker: "not this one" } },
      { title: "Fix all safe lambda-leak issues", kind: new CodeActionKind(FIX_ALL_KIND), edit: fixAllEdit },
    ]);
    await vscode.commands.executeCommand(COMMANDS.fixAll);
    const request = stub.executed.find((e) => e.command === "vscode.executeCodeActionProvider");
    assert.ok(request);
    assert.equal(String(request.args[0]), "file:///ws/handler.js");
    assert.equal(request.args[2], FIX_ALL_KIND);
    assert.deepEqual(stub.appliedEdits, [fixAllEdit]);
    assert.deepEqual(stub.messages, []);
  });

  it("says so when there is nothing to fix, or the file is not one it checks", async () => {
    stub.activeTextEditor = { document: document("typescript") };
    stub.executeResults.set("vscode.executeCodeActionProvider", []);
    await vscode.commands.executeCommand(COMMANDS.fixAll);
    stub.activeTextEditor = { document: document("markdown") };
    await vscode.commands.executeCommand(COMMANDS.fixAll);
    assert.deepEqual(
      stub.messages.map((m) => m.text),
      ["Lambda Leak: no leaks to fix in this file.", "Lambda Leak: open a JavaScript, TypeScript or Python file to fix."],
    );
    assert.deepEqual(stub.appliedEdits, []);
  });
});

describe("Show Handlers", () => {
  beforeEach(() => {
    stub.reset();
  });

  function clientAnswering(result: unknown): ManagedClient & { requests: unknown[] } {
    const requests: unknown[] = [];
    return {
      requests,
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      onStateChange: () => ({ dispose: () => undefined }),
      sendNotification: () => Promise.resolve(),
      sendRequest: <R>(method: string, params: unknown) => {
        requests.push({ method, params });
        return Promise.resolve(result as R);
      },
    };
  }

  it("lists the server's handlers and jumps to the chosen one", async () => {
    setFolders("/ws");
    const client = clientAnswering([
      { name: "handler", path: "/ws/api/handler.js", uri: "file:///ws/api/handler.js", line: 1, origin: "code" },
      { name: "worker", path: "/ws/jobs/worker.py", uri: "file:///ws/jobs/worker.py", line: 9, origin: "template.yaml" },
      { name: 42, path: "/broken" },
    ]);
    await showHandlers(client);
    assert.deepEqual(client.requests, [{ method: "workspace/executeCommand", params: { command: "lambdaLeak.listHandlers", arguments: [] } }]);
    const pick = stub.quickPicks[0] as FakeQuickPick;
    const items = pick.items as { label: string; description: string; detail: string }[];
    assert.ok(pick.visible);
    assert.deepEqual(
      items.map(({ label, description, detail }) => ({ label, description, detail })),
      [
        { label: "$(symbol-function) handler", description: "api/handler.js:2", detail: "from code" },
        { label: "$(symbol-function) worker", description: "jobs/worker.py:10", detail: "from template.yaml" },
      ],
    );
    pick.activeChange.fire([items[1]]);
    assert.deepEqual(stub.shownDocuments, [], "moving through the list opens nothing");
    pick.selectedItems = [items[1]];
    pick.accept.fire(undefined);
    await waitFor("the jump", () => stub.shownDocuments.length === 1);
    assert.deepEqual(stub.shownDocuments, [{ uri: "file:///ws/jobs/worker.py", line: 9, preview: false }]);
    assert.equal(pick.visible, false);
    assert.equal(pick.disposed, true);
  });

  it("says when there are no handlers, or no server", async () => {
    await showHandlers(clientAnswering([]));
    await showHandlers(undefined);
    assert.deepEqual(
      stub.messages.map((m) => [m.level, m.text]),
      [
        ["info", "Lambda Leak: no Lambda handlers found in this workspace."],
        ["warning", "Lambda Leak: the server is not running."],
      ],
    );
    assert.equal(stub.quickPicks.length, 0);
  });
});
