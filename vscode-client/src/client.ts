/** The `vscode-languageclient` side: a LanguageClient for a resolved server command. */
import * as vscode from "vscode";
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import * as readline from "node:readline";
import type { ServerCommand } from "./launch";
import { ServerLogReader } from "./serverLog";
import type { ClientState, ManagedClient } from "./serverManager";
import { SECTION, answerConfiguration, documentSelector, initializationOptions, serverSettings } from "./settings";

export const CLIENT_ID = SECTION; // so the client reads `lambdaLeak.trace.server` itself
export const LANGUAGES = ["javascript", "typescript", "javascriptreact", "typescriptreact", "python"];

function configurationFor(scopeUri: string | undefined): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
}

function folderConfiguration(folder: { uri: unknown } | undefined): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, folder?.uri as vscode.Uri | undefined);
}

function currentInitializationOptions() {
  return initializationOptions(vscode.workspace.workspaceFolders, folderConfiguration);
}

function currentDocumentSelector() {
  return documentSelector(LANGUAGES, vscode.workspace.workspaceFolders, folderConfiguration);
}

function asClientState(state: State): ClientState {
  if (state === State.Running) {
    return "running";
  }
  return state === State.Starting ? "starting" : "stopped";
}

export function createLanguageClient(command: ServerCommand, output: vscode.LogOutputChannel): ManagedClient {
  const serverOptions: ServerOptions = {
    command: command.command,
    args: command.args,
    transport: TransportKind.stdio,
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: currentDocumentSelector(),
    outputChannel: output,
    traceOutputChannel: output,
    // The server's stderr at the level it logged (the client's default logs every line as an error).
    stdioOptions: {
      stdout: (input, channel) => readline.createInterface({ input, crlfDelay: Infinity }).on("line", (line) => channel.info(line)),
      stderr: (input, channel) => {
        const reader = new ServerLogReader(channel);
        readline.createInterface({ input, crlfDelay: Infinity }).on("line", (line) => reader.line(line));
      },
    },
    initializationOptions: currentInitializationOptions(),
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return answerConfiguration(params.items, answers, (scopeUri) => serverSettings(configurationFor(scopeUri)));
        },
      },
    },
    initializationFailedHandler: (error) => {
      output.error(`The server failed to initialize: ${String(error)}`);
      return false;
    },
  };
  const client = new LanguageClient(CLIENT_ID, "Lambda Leak", serverOptions, clientOptions);
  return {
    start: () => client.start(),
    stop: () => client.stop(),
    onStateChange: (listener) => client.onDidChangeState((event) => listener(asClientState(event.newState))),
    sendNotification: (method, params) => client.sendNotification(method, params),
    sendRequest: <R>(method: string, params: unknown) => client.sendRequest<R>(method, params),
  };
}
