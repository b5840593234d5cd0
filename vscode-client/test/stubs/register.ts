/** Loaded by mocha before the tests (see .mocharc.json): `require("vscode")` gets the stub. */
import Module from "node:module";
import * as path from "node:path";

const stubPath = path.join(__dirname, "vscode.js");
const internals = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = internals._resolveFilename.bind(Module);
internals._resolveFilename = (request: string, ...rest: unknown[]) => (request === "vscode" ? stubPath : resolve(request, ...rest));
