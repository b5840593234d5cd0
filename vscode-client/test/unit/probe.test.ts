import * as assert from "node:assert/strict";
import type { ServerCommand } from "../../src/launch";
import { FIND_SERVER_MODULE, probeCommandFor, probeServer, type RunResult } from "../../src/probe";
import { findOnPath } from "../../src/launch";

const viaPython: ServerCommand = { command: "/venv/bin/python", args: ["-m", "lambda_leak", "server"], source: "interpreter", python: ["/venv/bin/python"] };
const viaExecutable: ServerCommand = { command: "/bin/lambda-leak", args: ["server"], source: "serverPath" };

function runner(result: RunResult) {
  const calls: { command: string; args: string[] }[] = [];
  const run = (command: string, args: string[]) => {
    calls.push({ command, args });
    return Promise.resolve(result);
  };
  return { run, calls };
}

describe("probeServer", () => {
  it("asks a Python whether lambda_leak.lsp can be found, without starting the server", async () => {
    const { run, calls } = runner({ exitCode: 0, stderr: "" });
    assert.deepEqual(await probeServer(viaPython, run), { kind: "ok" });
    assert.deepEqual(calls, [{ command: "/venv/bin/python", args: ["-c", FIND_SERVER_MODULE] }]);
  });

  it("asks an executable for its version", () => {
    assert.deepEqual(probeCommandFor(viaExecutable), { command: "/bin/lambda-leak", args: ["--version"] });
  });

  it("keeps leading arguments of a multi-word Python command", () => {
    const conda: ServerCommand = { ...viaPython, command: "conda", python: ["conda", "run", "python"] };
    assert.deepEqual(probeCommandFor(conda).args.slice(0, 3), ["run", "python", "-c"]);
  });

  it("tells a missing module from a missing program from a failing one", async () => {
    assert.deepEqual(await probeServer(viaPython, runner({ exitCode: 3, stderr: "" }).run), { kind: "missing-module", python: ["/venv/bin/python"] });
    assert.deepEqual(await probeServer(viaPython, runner({ exitCode: null, errorCode: "ENOENT", stderr: "" }).run), {
      kind: "not-found",
      detail: "/venv/bin/python: not found",
    });
    const failed = await probeServer(viaExecutable, runner({ exitCode: 1, stderr: "Traceback\n  ...\nImportError: tree_sitter\n" }).run);
    assert.ok(failed.kind === "failed");
    assert.match(failed.detail, /exited with 1: Traceback[\s\S]*ImportError: tree_sitter$/);
  });

  it("lets the client try when the check times out", async () => {
    assert.deepEqual(await probeServer(viaPython, runner({ exitCode: null, errorCode: "ETIMEDOUT", stderr: "" }).run), { kind: "ok" });
  });

  it("runs for real: a program that does not exist is not found", async () => {
    const missing: ServerCommand = { ...viaPython, command: "/nonexistent/python", python: ["/nonexistent/python"] };
    assert.equal((await probeServer(missing)).kind, "not-found");
  });

  it("runs for real: a Python without lambda-leak on its path reports the missing module", async function () {
    const python = findOnPath(["python3"]);
    if (!python) {
      this.skip();
    }
    // -S: no site-packages, so lambda_leak cannot be found whatever this Python has installed.
    const bare: ServerCommand = { command: python, args: [], source: "path", python: [python, "-S"] };
    assert.deepEqual(await probeServer(bare), { kind: "missing-module", python: [python, "-S"] });
  });
});
