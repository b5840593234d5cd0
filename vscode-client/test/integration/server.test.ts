/**
 * The real language server, started with the command line the extension builds, spoken to over
 * stdio as VS Code would: per-folder settings in `initializationOptions`, `workspace/configuration`
 * answered by the extension's own code, pull diagnostics, and a callback handler fixed with
 * "Convert to async handler".
 *
 * The Python comes from LAMBDA_LEAK_PYTHON, else the project's `.venv` beside vscode-client/.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type {
  ClientCapabilities,
  CodeAction,
  Diagnostic,
  DocumentDiagnosticReport,
  ExecuteCommandParams,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { FIX_ALL_KIND, LIST_HANDLERS, parseHandlers } from "../../src/commands";
import { describeCommand, resolveServerCommand, type ServerCommand } from "../../src/launch";
import { probeServer } from "../../src/probe";
import { DID_CHANGE_CONFIGURATION, SECTION, answerConfiguration, initializationOptions, serverSettings, type FolderLike } from "../../src/settings";
import { setFolders, stub } from "../stubs/vscode";
import { LspProcess } from "./lspClient";

const CLIENT_ROOT = path.resolve(__dirname, "..", "..", "..");
const PYTHON = process.env.LAMBDA_LEAK_PYTHON ?? path.resolve(CLIENT_ROOT, "..", ".venv", "bin", "python");

/** A callback-based handler. */
const SEED_CALLBACK_HANDLER = `exports.handler = (event, context, callback) => {
    // Our handler code
    callback(null, "OK");
};
`;

/** What VS Code's language client announces, for the parts this server looks at. */
const VSCODE_CAPABILITIES: ClientCapabilities = {
  general: { positionEncodings: ["utf-16"] },
  window: { workDoneProgress: true, showMessage: {} },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    executeCommand: { dynamicRegistration: true },
    diagnostics: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true, willSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: false, codeDescriptionSupport: true, dataSupport: true },
    diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
    hover: { contentFormat: ["markdown", "plaintext"] },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ["edit"] },
      codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "refactor", "source", "source.fixAll", "source.organizeImports"] } },
    },
  },
};

const configFor = (folder: FolderLike | undefined) => vscode.workspace.getConfiguration(SECTION, folder?.uri as vscode.Uri | undefined);

/** Polls `condition` until it holds; the server applies settings asynchronously. */
async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function applyEdit(document: TextDocument, edit: WorkspaceEdit | undefined): string {
  assert.ok(edit, "the action carries no edit");
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    assert.ok("textDocument" in change, "only text edits are expected");
    assert.equal(change.textDocument.uri, document.uri);
    assert.equal(change.textDocument.version, document.version, "the edit was computed for another version");
    edits.push(...change.edits.filter((e): e is TextEdit => "range" in e));
  }
  edits.push(...(edit.changes?.[document.uri] ?? []));
  assert.ok(edits.length > 0, "the edit changes nothing");
  return TextDocument.applyEdits(document, edits);
}

describe("the real language server, launched as the extension launches it", function () {
  this.timeout(60_000);
  let root: string;
  let api: string;
  let worker: string;
  let command: ServerCommand;
  let server: LspProcess | undefined;

  before(async function () {
    // Exactly what the extension runs when `lambdaLeak.interpreter` is set to this Python.
    const resolved = resolveServerCommand({ interpreter: PYTHON, context: { home: os.homedir(), env: process.env } });
    assert.ok(resolved);
    command = resolved;
    assert.deepEqual(command.args, ["-m", "lambda_leak", "server"]);
    const probe = await probeServer(command);
    assert.equal(probe.kind, "ok", `cannot run \`${describeCommand(command)}\` (${JSON.stringify(probe)}): run \`make test\` at the top (it creates ../.venv) or set LAMBDA_LEAK_PYTHON to a Python with lambda-leak installed`);
  });

  beforeEach(() => {
    stub.reset();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-leak-vscode-"));
    api = path.join(root, "api");
    worker = path.join(root, "worker");
    for (const folder of [api, worker]) {
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, "handler.js"), SEED_CALLBACK_HANDLER);
    }
    // A multi-root workspace: the worker folder ignores the rule, the api folder does not.
    setFolders(api, worker);
    stub.settings.user = { "lambdaLeak.interpreter": PYTHON, "lambdaLeak.trace.server": "verbose" };
    stub.settings.folders = { [vscode.Uri.file(worker).toString()]: { "lambdaLeak.ignore": ["callback-handler"] } };
  });

  afterEach(async function () {
    const running = server;
    server = undefined;
    if (running) {
      if (this.currentTest?.state === "failed") {
        console.error(`server stderr:\n${running.stderr}`);
      }
      const code = await running.close().catch(() => {
        running.kill();
        return null;
      });
      assert.equal(code, 0, "the server did not exit cleanly after shutdown/exit");
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function startServer(): Promise<LspProcess> {
    const process = new LspProcess(command, api, (params) =>
      // The extension's `workspace/configuration` middleware, minus the client's default answers.
      answerConfiguration(params.items, [], (scopeUri) => serverSettings(vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined))),
    );
    server = process;
    const folders = vscode.workspace.workspaceFolders ?? [];
    await process.connection.sendRequest("initialize", {
      processId: globalThis.process.pid,
      clientInfo: { name: "Visual Studio Code" },
      rootUri: folders[0]?.uri.toString() ?? null,
      workspaceFolders: folders.map((folder) => ({ uri: folder.uri.toString(), name: folder.name })),
      capabilities: VSCODE_CAPABILITIES,
      initializationOptions: initializationOptions(folders, configFor),
    });
    await process.connection.sendNotification("initialized", {});
    return process;
  }

  function open(process: LspProcess, file: string, text = fs.readFileSync(file, "utf8"), version = 1): TextDocument {
    const uri = vscode.Uri.file(file).toString();
    void process.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "javascript", version, text } });
    return TextDocument.create(uri, "javascript", version, text);
  }

  async function change(process: LspProcess, document: TextDocument, text: string): Promise<TextDocument> {
    const next = TextDocument.create(document.uri, document.languageId, document.version + 1, text);
    await process.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: document.uri, version: next.version },
      contentChanges: [{ text }],
    });
    return next;
  }

  async function diagnostics(process: LspProcess, document: TextDocument): Promise<Diagnostic[]> {
    const report = await process.connection.sendRequest<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri: document.uri } });
    assert.ok(report.kind === "full", "expected a full diagnostic report");
    return report.items;
  }

  async function codeActions(process: LspProcess, document: TextDocument, diagnostic: Diagnostic | undefined, only: string[]): Promise<CodeAction[]> {
    const range = diagnostic?.range ?? { start: { line: 0, character: 0 }, end: document.positionAt(document.getText().length) };
    const actions = await process.connection.sendRequest<(CodeAction | { command: string })[] | null>("textDocument/codeAction", {
      textDocument: { uri: document.uri },
      range,
      context: { diagnostics: diagnostic ? [diagnostic] : [], only, triggerKind: 1 },
    });
    const literals = (actions ?? []).filter((action): action is CodeAction => typeof action.command !== "string");
    // Resolve lazily computed edits, as VS Code does for `resolveSupport: ["edit"]`.
    const resolved: CodeAction[] = [];
    for (const action of literals) {
      resolved.push(action.edit || action.data === undefined ? action : await process.connection.sendRequest<CodeAction>("codeAction/resolve", action));
    }
    return resolved;
  }

  it("reports a callback handler and converts it to an async handler", async () => {
    const process = await startServer();
    const document = open(process, path.join(api, "handler.js"));
    const found = await diagnostics(process, document);
    const leak = found.find((diagnostic) => diagnostic.code === "callback-handler");
    assert.ok(leak, `no callback-handler diagnostic in ${JSON.stringify(found)}`);
    assert.equal(leak.source, "lambda-leak");
    assert.equal(leak.range.start.line, 0);

    const actions = await codeActions(process, document, leak, ["quickfix"]);
    const convert = actions.find((action) => action.title === "Convert to async handler");
    assert.ok(convert, `no "Convert to async handler" among ${JSON.stringify(actions.map((a) => a.title))}`);
    const fixed = applyEdit(document, convert.edit);
    assert.match(fixed, /^exports\.handler = async \(event, context\) => \{/);
    assert.doesNotMatch(fixed, /callback/);
    assert.match(fixed, /return "OK";/);

    const after = await change(process, document, fixed);
    assert.deepEqual(await diagnostics(process, after), [], "the finding is still reported after the fix");
    // Settings the extension sent were all accepted: no warning about them.
    assert.deepEqual(process.messages, []);
  });

  it("applies each folder's settings, sent the way the extension sends them", async () => {
    const process = await startServer();
    const inWorker = open(process, path.join(worker, "handler.js"));
    assert.deepEqual(await diagnostics(process, inWorker), [], "the worker folder ignores callback-handler");
    const inApi = open(process, path.join(api, "handler.js"));
    assert.ok((await diagnostics(process, inApi)).some((d) => d.code === "callback-handler"));

    // A settings change reaches the running server as the extension sends it (no restart): the
    // server pulls the settings again, and the extension's answers carry the change.
    const pulls = process.configurationRequests;
    stub.settings.folders[vscode.Uri.file(api).toString()] = { "lambdaLeak.ignore": ["callback-handler"] };
    await process.connection.sendNotification("workspace/didChangeConfiguration", DID_CHANGE_CONFIGURATION);
    await eventually("the server to ask for the new settings", () => Promise.resolve(process.configurationRequests > pulls));
    await eventually("the api folder's finding to go", async () => (await diagnostics(process, inApi)).length === 0);
    assert.deepEqual(process.messages, []);
  });

  it("offers the fix-all source action the Fix All command asks for", async () => {
    const process = await startServer();
    const document = open(process, path.join(api, "handler.js"));
    assert.ok((await diagnostics(process, document)).length > 0);
    const actions = await codeActions(process, document, undefined, [FIX_ALL_KIND]);
    const fixAll = actions.find((action) => action.kind === FIX_ALL_KIND);
    assert.ok(fixAll, `no ${FIX_ALL_KIND} action among ${JSON.stringify(actions)}`);
    const fixed = applyEdit(document, fixAll.edit);
    assert.doesNotMatch(fixed, /callback/);
    assert.deepEqual(await diagnostics(process, await change(process, document, fixed)), []);
  });

  it("lists the handlers for Show Handlers", async () => {
    const process = await startServer();
    const params: ExecuteCommandParams = { command: LIST_HANDLERS, arguments: [] };
    const handlers = parseHandlers(await process.connection.sendRequest("workspace/executeCommand", params));
    const files = handlers.map((handler) => path.relative(root, handler.path)).sort();
    assert.deepEqual(files, [path.join("api", "handler.js"), path.join("worker", "handler.js")]);
    for (const handler of handlers) {
      assert.equal(handler.name, "handler");
      assert.equal(handler.line, 0);
      assert.equal(handler.uri, vscode.Uri.file(fs.realpathSync(handler.path)).toString());
    }
  });
});
