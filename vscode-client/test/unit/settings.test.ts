import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import {
  SECTION,
  SERVER_KEYS,
  anyEnabled,
  answerConfiguration,
  classifyChange,
  documentSelector,
  initializationOptions,
  serverSettings,
  type FolderLike,
} from "../../src/settings";
import { manifest, setFolders, stub } from "../stubs/vscode";

const configFor = (folder: FolderLike | undefined) => vscode.workspace.getConfiguration(SECTION, folder?.uri as vscode.Uri | undefined);

describe("server settings", () => {
  beforeEach(() => stub.reset());

  it("sends the editor-only keys always and the rule keys only when the user set them", () => {
    assert.deepEqual(serverSettings(configFor(undefined)), { run: "onType", logLevel: "warning", diagnostics: "workspace" });
    stub.settings.user = { "lambdaLeak.scope": "all", "lambdaLeak.select": ["floating-promise"], "lambdaLeak.severity": { "timer-leak": "error" } };
    assert.deepEqual(serverSettings(configFor(undefined)), {
      select: ["floating-promise"],
      scope: "all",
      severity: { "timer-leak": "error" },
      run: "onType",
      logLevel: "warning",
      diagnostics: "workspace",
    });
  });

  it("does not send an empty select (it would turn every rule off)", () => {
    stub.settings.user = { "lambdaLeak.select": [], "lambdaLeak.ignore": [] };
    assert.deepEqual(serverSettings(configFor(undefined)), { ignore: [], run: "onType", logLevel: "warning", diagnostics: "workspace" });
  });

  it("sends a dict when no folder is open", () => {
    stub.settings.user = { "lambdaLeak.run": "onSave" };
    assert.deepEqual(initializationOptions(vscode.workspace.workspaceFolders, configFor), { run: "onSave", logLevel: "warning", diagnostics: "workspace" });
  });

  it("sends one entry per folder in a multi-root workspace, each with its own settings", () => {
    setFolders("/ws/api", "/ws/worker");
    stub.settings.workspace = { "lambdaLeak.run": "onSave" };
    stub.settings.folders = {
      "file:///ws/api": { "lambdaLeak.ignore": ["timer-leak"] },
      "file:///ws/worker": { "lambdaLeak.enable": false, "lambdaLeak.scope": "all" },
    };
    assert.deepEqual(initializationOptions(vscode.workspace.workspaceFolders, configFor), [
      { uri: "file:///ws/api", settings: { ignore: ["timer-leak"], run: "onSave", logLevel: "warning", diagnostics: "workspace" } },
      { uri: "file:///ws/worker", settings: { scope: "all", run: "onSave", logLevel: "warning", diagnostics: "workspace" } },
    ]);
  });

  it("runs a server while any folder enables it", () => {
    setFolders("/ws/a", "/ws/b");
    stub.settings.folders = { "file:///ws/a": { "lambdaLeak.enable": false } };
    assert.equal(anyEnabled(vscode.workspace.workspaceFolders, configFor), true);
    stub.settings.folders["file:///ws/b"] = { "lambdaLeak.enable": false };
    assert.equal(anyEnabled(vscode.workspace.workspaceFolders, configFor), false);
    setFolders();
    stub.settings.user = { "lambdaLeak.enable": false };
    assert.equal(anyEnabled(vscode.workspace.workspaceFolders, configFor), false);
  });

  it("keeps the documents of folders with enable off away from the server", () => {
    const languages = ["javascript", "python"];
    setFolders("/ws/api", "/ws/[legacy]");
    assert.deepEqual(documentSelector(languages, vscode.workspace.workspaceFolders, configFor), [
      { scheme: "file", language: "javascript" },
      { scheme: "untitled", language: "javascript" },
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ]);
    stub.settings.folders = { "file:///ws/%5Blegacy%5D": { "lambdaLeak.enable": false } };
    assert.deepEqual(documentSelector(languages, vscode.workspace.workspaceFolders, configFor), [
      { scheme: "file", language: "javascript", pattern: { baseUri: "file:///ws/api", pattern: "**/*" } },
      { scheme: "file", language: "python", pattern: { baseUri: "file:///ws/api", pattern: "**/*" } },
    ]);
  });

  it("answers workspace/configuration for our section with server settings only", () => {
    setFolders("/ws/api");
    stub.settings.user = { "lambdaLeak.interpreter": "/usr/bin/python3", "lambdaLeak.trace.server": "verbose" };
    stub.settings.folders = { "file:///ws/api": { "lambdaLeak.scope": "all" } };
    const scopes: (string | undefined)[] = [];
    const answers = answerConfiguration(
      [{ section: SECTION, scopeUri: "file:///ws/api/handler.js" }, { section: "editor" }, { section: SECTION }],
      [{ interpreter: "/usr/bin/python3" }, { tabSize: 4 }, {}],
      (scopeUri) => {
        scopes.push(scopeUri);
        return serverSettings(vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined));
      },
    );
    assert.deepEqual(answers, [{ scope: "all", run: "onType", logLevel: "warning", diagnostics: "workspace" }, { tabSize: 4 }, { run: "onType", logLevel: "warning", diagnostics: "workspace" }]);
    assert.deepEqual(scopes, ["file:///ws/api/handler.js", undefined]);
  });
});

describe("classifyChange", () => {
  const affecting =
    (...sections: string[]) =>
    (section: string) =>
      sections.some((changed) => changed === section || changed.startsWith(`${section}.`));

  it("restarts for the program settings and enable, reconfigures for the rest", () => {
    assert.equal(classifyChange(affecting("lambdaLeak.interpreter")), "restart");
    assert.equal(classifyChange(affecting("lambdaLeak.serverPath")), "restart");
    assert.equal(classifyChange(affecting("lambdaLeak.enable")), "restart");
    assert.equal(classifyChange(affecting("lambdaLeak.select")), "reconfigure");
    assert.equal(classifyChange(affecting("lambdaLeak.run")), "reconfigure");
    assert.equal(classifyChange(affecting("lambdaLeak.trace.server")), "none");
    assert.equal(classifyChange(affecting("python.defaultInterpreterPath")), "none");
  });
});

describe("package.json settings", () => {
  const properties = manifest.contributes.configuration.properties as Record<string, { scope?: string; markdownDescription?: string; default?: unknown }>;

  it("contributes and documents every setting the extension reads", () => {
    for (const key of [...SERVER_KEYS, "enable", "interpreter", "serverPath", "importStrategy", "trace.server"]) {
      const property = properties[`${SECTION}.${key}`];
      assert.ok(property, `lambdaLeak.${key} is not contributed`);
      assert.ok(property.markdownDescription && property.markdownDescription.length > 20, `lambdaLeak.${key} has no description`);
      assert.notEqual(property.default, undefined, `lambdaLeak.${key} has no default`);
    }
  });

  it("scopes the rule settings per folder and the program settings per machine", () => {
    for (const key of ["enable", "select", "ignore", "severity", "scope", "run"]) {
      assert.equal(properties[`${SECTION}.${key}`]?.scope, "resource", key);
    }
    for (const key of ["interpreter", "serverPath", "importStrategy"]) {
      assert.equal(properties[`${SECTION}.${key}`]?.scope, "machine-overridable", key);
    }
  });
});
