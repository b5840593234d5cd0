import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main: string; activationEvents: string[] };

describe("the bundle VS Code loads", () => {
  it("is where package.json's main says, and exports activate and deactivate", () => {
    const bundle = path.join(root, manifest.main);
    assert.ok(fs.existsSync(bundle), `${manifest.main} is missing: npm test bundles it first`);
    const loaded = require(bundle) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
    assert.equal(typeof loaded.activate, "function");
    assert.equal(typeof loaded.deactivate, "function");
    const source = fs.readFileSync(bundle, "utf8");
    assert.doesNotMatch(source, /require\(["']vscode-languageclient/, "vscode-languageclient must be bundled, not required");
  });

  it("activates on the five languages it checks, and in a folder holding such files (workspace Problems)", () => {
    assert.deepEqual(manifest.activationEvents, [
      ...["javascript", "typescript", "javascriptreact", "typescriptreact", "python"].map((language) => `onLanguage:${language}`),
      "workspaceContains:**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py}",
    ]);
  });
});
