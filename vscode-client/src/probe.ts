/**
 * Before starting the server, check that its program exists and (for a Python) that lambda-leak is
 * installed, so a missing install becomes one clear notification instead of a crash loop in the log.
 * No `vscode` import: the integration test uses the same check to decide whether a server is there.
 */
import { execFile } from "node:child_process";
import { BUNDLED_PROBE_ARG, type ServerCommand } from "./launch";

export type ProbeResult =
  | { kind: "ok" }
  | { kind: "missing-module"; python: string[] }
  | { kind: "not-found"; detail: string }
  | { kind: "failed"; detail: string };

/** Exit 3 when `lambda_leak.lsp` cannot be found, without importing (running) the server. */
export const FIND_SERVER_MODULE = [
  "import importlib.util, sys",
  "try:",
  "    found = importlib.util.find_spec('lambda_leak.lsp') is not None",
  "except ImportError:",
  "    found = False",
  "sys.exit(0 if found else 3)",
].join("\n");
const MODULE_MISSING_EXIT = 3;

export interface ProbeCommand {
  command: string;
  args: string[];
}

export function probeCommandFor(server: ServerCommand): ProbeCommand {
  if (server.python && server.bundled) {
    // The launcher checks the Python version (3.11+) and that the bundle imports, without serving.
    const [program, ...leading] = server.python;
    return { command: program ?? server.command, args: [...leading, server.bundled, BUNDLED_PROBE_ARG] };
  }
  if (server.python) {
    const [program, ...leading] = server.python;
    return { command: program ?? server.command, args: [...leading, "-c", FIND_SERVER_MODULE] };
  }
  return { command: server.command, args: ["--version"] };
}

export interface RunResult {
  exitCode: number | null;
  errorCode?: string;
  stderr: string;
}

export type Runner = (command: string, args: string[], timeoutMs: number) => Promise<RunResult>;

export const runProcess: Runner = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (error, _stdout, stderr) => {
      if (!error) {
        resolve({ exitCode: 0, stderr });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      resolve({
        exitCode: typeof code === "number" ? code : null,
        errorCode: typeof code === "string" ? code : error.killed ? "ETIMEDOUT" : undefined,
        stderr,
      });
    });
  });

export async function probeServer(server: ServerCommand, run: Runner = runProcess, timeoutMs = 20_000): Promise<ProbeResult> {
  const probe = probeCommandFor(server);
  const result = await run(probe.command, probe.args, timeoutMs);
  if (result.exitCode === 0) {
    return { kind: "ok" };
  }
  if (result.errorCode === "ENOENT" || result.errorCode === "EACCES") {
    return { kind: "not-found", detail: `${probe.command}: ${result.errorCode === "ENOENT" ? "not found" : "not executable"}` };
  }
  if (result.errorCode === "ETIMEDOUT") {
    // A slow machine is not a broken install: let the client try and report what happens.
    return { kind: "ok" };
  }
  if (server.python && !server.bundled && result.exitCode === MODULE_MISSING_EXIT) {
    return { kind: "missing-module", python: server.python };
  }
  const stderr = result.stderr.trim().split("\n").slice(-3).join("\n");
  return { kind: "failed", detail: `${probe.command} exited with ${result.exitCode ?? result.errorCode ?? "an error"}${stderr ? `: ${stderr}` : ""}` };
}
