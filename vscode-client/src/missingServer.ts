/**
 * One notification when the server cannot start, with the way out: install lambda-leak into that
 * Python (pip in a terminal the user can watch) or open the settings to point elsewhere.
 */
import * as vscode from "vscode";
import type { ProbeResult } from "./probe";

export const INSTALL = "Install lambda-leak";
export const OPEN_SETTINGS = "Open settings";
export const PIP_PACKAGE = "lambda-leak";

export function pipInstallArgs(python: string[]): { shellPath: string; shellArgs: string[] } {
  const [program, ...leading] = python;
  return { shellPath: program ?? "python3", shellArgs: [...leading, "-m", "pip", "install", "--upgrade", PIP_PACKAGE] };
}

export class MissingServerNotifier implements vscode.Disposable {
  /** One notification per problem and program per session; restarts do not repeat it. */
  private readonly shown = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly onInstalled: () => void) {}

  async notify(result: Exclude<ProbeResult, { kind: "ok" }>, program: string): Promise<void> {
    const key = `${result.kind}:${program}`;
    if (this.shown.has(key)) {
      return;
    }
    this.shown.add(key);
    if (result.kind === "missing-module") {
      const choice = await vscode.window.showErrorMessage(
        `Lambda Leak: lambda-leak is not installed for the Python at ${program}. Install it there, or set "lambdaLeak.interpreter" or "lambdaLeak.serverPath"${whereToSet(vscode.env.remoteName)}.`,
        INSTALL,
        OPEN_SETTINGS,
      );
      if (choice === INSTALL) {
        this.install(result.python);
      } else if (choice === OPEN_SETTINGS) {
        await openSettings();
      }
      return;
    }
    const choice = await vscode.window.showErrorMessage(
      `Lambda Leak: cannot start the server (${result.detail}). Set "lambdaLeak.interpreter" to a Python 3.11+ (with lambda-leak installed, unless the bundled server is used), or "lambdaLeak.serverPath" to the lambda-leak executable${whereToSet(vscode.env.remoteName)}.`,
      OPEN_SETTINGS,
    );
    if (choice === OPEN_SETTINGS) {
      await openSettings();
    }
  }

  /** No Python at all: the same notification, with nothing to install into. */
  async notifyNoPython(): Promise<void> {
    await this.notify({ kind: "not-found", detail: "no python3 or python on PATH" }, "python");
  }

  private install(python: string[]): void {
    const terminal = vscode.window.createTerminal({ name: "Lambda Leak: install", ...pipInstallArgs(python) });
    terminal.show();
    this.disposables.push(
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed === terminal && closed.exitStatus?.code === 0) {
          this.shown.clear();
          this.onInstalled();
        }
      }),
    );
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }
}

/** Where the interpreter and server settings take effect. */
export const SETTINGS_QUERY = "@ext:lambda-leak.lambda-leak";
export const OPEN_USER_SETTINGS = "workbench.action.openSettings";
/** In a remote window (Remote-SSH, WSL, Dev Containers, Codespaces, code-server) machine-scoped
 * settings such as `lambdaLeak.interpreter` are read from the Remote settings, not the User ones. */
export const OPEN_REMOTE_SETTINGS = "workbench.action.openRemoteSettings";

export function settingsCommandFor(remoteName: string | undefined): { command: string; args: unknown[] } {
  return remoteName
    ? { command: OPEN_REMOTE_SETTINGS, args: [{ query: SETTINGS_QUERY }] }
    : { command: OPEN_USER_SETTINGS, args: [SETTINGS_QUERY] };
}

/** Where to set the interpreter, in the words of the window the user is in. */
export function whereToSet(remoteName: string | undefined): string {
  return remoteName ? ` in the Remote [${remoteName}] settings (User settings do not apply in a remote window)` : "";
}

export async function openSettings(): Promise<void> {
  const { command, args } = settingsCommandFor(vscode.env.remoteName);
  await vscode.commands.executeCommand(command, ...args);
}
