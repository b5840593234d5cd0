/** Entry point: wires settings, the server's lifecycle, the status bar and the commands together. */
import * as vscode from "vscode";
import { LANGUAGES, createLanguageClient } from "./client";
import { fixAllInActiveEditor, showHandlers } from "./commands";
import { bundledLauncherIn, defaultVariableContext, resolveServerCommand, type ImportStrategy } from "./launch";
import { MissingServerNotifier } from "./missingServer";
import { probeServer } from "./probe";
import { activePythonCommand, onDidChangeActivePython } from "./python";
import { ServerManager } from "./serverManager";
import { DID_CHANGE_CONFIGURATION, SECTION, anyEnabled, classifyChange } from "./settings";
import { StatusBar } from "./status";

export const COMMANDS = {
  restartServer: "lambdaLeak.restartServer",
  fixAll: "lambdaLeak.fixAll",
  showHandlers: "lambdaLeak.showHandlers",
  showOutput: "lambdaLeak.showOutput",
} as const;

let manager: ServerManager | undefined;
let output: vscode.LogOutputChannel | undefined;

/** The server is one process per window: its program comes from the window-level settings. */
async function resolveCommand(extensionPath: string | undefined) {
  const config = vscode.workspace.getConfiguration(SECTION);
  const importStrategy = config.get<ImportStrategy>("importStrategy") ?? "useBundled";
  const bundledLauncher = extensionPath ? bundledLauncherIn(extensionPath) : undefined;
  if (importStrategy === "useBundled" && !bundledLauncher) {
    output?.info("This build of the extension carries no server: using the lambda-leak installed for the Python (fromEnvironment).");
  }
  const firstFolder = vscode.workspace.workspaceFolders?.[0];
  const serverPath = config.get<string>("serverPath");
  const interpreter = config.get<string>("interpreter");
  const explicit = Boolean(serverPath?.trim() || interpreter?.trim());
  return resolveServerCommand({
    serverPath,
    interpreter,
    pythonExtension: explicit ? undefined : await activePythonCommand(firstFolder?.uri, (message) => output?.warn(message)),
    context: defaultVariableContext(firstFolder?.uri.fsPath),
    importStrategy,
    bundledLauncher,
  });
}

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel("Lambda Leak", { log: true });
  output = log;
  const status = new StatusBar(vscode.window.createStatusBarItem("lambdaLeak.status", vscode.StatusBarAlignment.Right, 100), COMMANDS.showOutput);
  const notifier = new MissingServerNotifier(() => void manager?.restart());
  const isEnabled = () =>
    anyEnabled(vscode.workspace.workspaceFolders, (folder) => vscode.workspace.getConfiguration(SECTION, folder?.uri as vscode.Uri | undefined));
  const server = new ServerManager({
    resolveCommand: () => resolveCommand(context.extensionPath),
    probe: (command) => probeServer(command),
    createClient: (command) => createLanguageClient(command, log),
    isEnabled,
    status,
    onProblem: (problem, command) => {
      const program = command?.python?.join(" ") ?? command?.command ?? "python";
      void (problem.kind === "no-python" ? notifier.notifyNoPython() : notifier.notify(problem, program));
    },
    log: (message) => log.info(message),
  });
  manager = server;

  context.subscriptions.push(
    log,
    status,
    notifier,
    vscode.commands.registerCommand(COMMANDS.restartServer, () => server.restart()),
    vscode.commands.registerCommand(COMMANDS.fixAll, () => fixAllInActiveEditor(LANGUAGES)),
    vscode.commands.registerCommand(COMMANDS.showHandlers, () => showHandlers(server.activeClient)),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => log.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      const change = classifyChange((section) => event.affectsConfiguration(section));
      if (change === "restart") {
        server.scheduleRestart();
      } else if (change === "reconfigure") {
        void server.reconfigure(DID_CHANGE_CONFIGURATION);
      }
    }),
    // The server indexes and configures its folders when it starts; the document selector depends
    // on them too (`enable` per folder). Folders change rarely: start afresh.
    vscode.workspace.onDidChangeWorkspaceFolders(() => server.scheduleRestart()),
  );
  void server.start();
  // Following the Python extension's interpreter must not hold up activation.
  void onDidChangeActivePython(() => {
    if (server.command?.source === "pythonExtension" || server.command?.source === "path") {
      server.scheduleRestart();
    }
  }).then((listener) => listener && context.subscriptions.push(listener));
}

export async function deactivate(): Promise<void> {
  await manager?.dispose();
  manager = undefined;
}
