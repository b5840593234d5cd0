/** "Fix All Leaks in File" and "Show Handlers". */
import * as vscode from "vscode";
import type { ManagedClient } from "./serverManager";

export const FIX_ALL_KIND = "source.fixAll.lambda-leak";
export const LIST_HANDLERS = "lambdaLeak.listHandlers";

export interface HandlerInfo {
  name: string;
  path: string;
  uri?: string;
  line: number;
  origin: string;
}

/** The server's `lambdaLeak.listHandlers` answer, keeping only well-formed entries. */
export function parseHandlers(result: unknown): HandlerInfo[] {
  if (!Array.isArray(result)) {
    return [];
  }
  const handlers: HandlerInfo[] = [];
  for (const entry of result as unknown[]) {
    if (typeof entry !== "object" || entry === null) {
      continue;
    }
    const { name, path, uri, line, origin } = entry as Record<string, unknown>;
    if (typeof name !== "string" || typeof path !== "string" || typeof line !== "number" || line < 0) {
      continue;
    }
    handlers.push({ name, path, line, origin: typeof origin === "string" ? origin : "code", ...(typeof uri === "string" ? { uri } : {}) });
  }
  return handlers;
}

export interface HandlerPick extends vscode.QuickPickItem {
  handler: HandlerInfo;
}

export function handlerPicks(handlers: HandlerInfo[], relativePath: (path: string) => string): HandlerPick[] {
  return handlers.map((handler) => ({
    label: `$(symbol-function) ${handler.name}`,
    description: `${relativePath(handler.path)}:${handler.line + 1}`,
    detail: `from ${handler.origin}`,
    handler,
  }));
}

function handlerUri(handler: HandlerInfo): vscode.Uri {
  return handler.uri ? vscode.Uri.parse(handler.uri) : vscode.Uri.file(handler.path);
}

async function reveal(handler: HandlerInfo): Promise<void> {
  const position = new vscode.Position(handler.line, 0);
  await vscode.window.showTextDocument(handlerUri(handler), { selection: new vscode.Range(position, position), preview: false });
}

/**
 * A quick pick over the handlers; choosing one jumps there. (No preview while moving through the
 * list: an editor opened late would take the focus from whatever the user does next.)
 */
export async function showHandlers(client: ManagedClient | undefined): Promise<void> {
  if (!client) {
    void vscode.window.showWarningMessage("Lambda Leak: the server is not running.");
    return;
  }
  let handlers: HandlerInfo[];
  try {
    handlers = parseHandlers(await client.sendRequest<unknown>("workspace/executeCommand", { command: LIST_HANDLERS, arguments: [] }));
  } catch (error) {
    void vscode.window.showErrorMessage(`Lambda Leak: could not list the handlers: ${String(error)}`);
    return;
  }
  if (handlers.length === 0) {
    void vscode.window.showInformationMessage("Lambda Leak: no Lambda handlers found in this workspace.");
    return;
  }
  const pick = vscode.window.createQuickPick<HandlerPick>();
  pick.title = "Lambda handlers";
  pick.placeholder = "Go to a handler";
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = handlerPicks(handlers, (path) => vscode.workspace.asRelativePath(path));
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
    pick.hide();
    if (chosen) {
      void reveal(chosen.handler);
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

function isFixAllKind(kind: string | undefined): boolean {
  return kind === FIX_ALL_KIND || (kind?.startsWith(`${FIX_ALL_KIND}.`) ?? false);
}

function isCodeAction(item: vscode.CodeAction | vscode.Command): item is vscode.CodeAction {
  return typeof (item as vscode.Command).command !== "string";
}

/** Asks the server for its `source.fixAll.lambda-leak` action on the active file and applies it. */
export async function fixAllInActiveEditor(languages: readonly string[]): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !languages.includes(editor.document.languageId)) {
    void vscode.window.showInformationMessage("Lambda Leak: open a JavaScript, TypeScript or Python file to fix.");
    return;
  }
  const document = editor.document;
  const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  const actions =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[] | undefined>(
      "vscode.executeCodeActionProvider",
      document.uri,
      whole,
      FIX_ALL_KIND,
      1, // resolve the edit when the server computes it lazily
    )) ?? [];
  const fixAll = actions.filter(isCodeAction).find((action) => isFixAllKind(action.kind?.value));
  if (!fixAll || fixAll.disabled || (!fixAll.edit && !fixAll.command)) {
    const why = fixAll?.disabled?.reason ?? unsafeOnlyReason(vscode.languages.getDiagnostics(document.uri));
    void vscode.window.showInformationMessage(`Lambda Leak: ${why ?? "no leaks to fix in this file."}`);
    return;
  }
  if (fixAll.edit && !(await vscode.workspace.applyEdit(fixAll.edit))) {
    void vscode.window.showErrorMessage("Lambda Leak: the fixes could not be applied (the file changed meanwhile?).");
    return;
  }
  if (fixAll.command) {
    await vscode.commands.executeCommand(fixAll.command.command, ...((fixAll.command.arguments ?? []) as unknown[]));
  }
}

/** The fixes the server attached to one of its diagnostics (`data.fixes`). */
function fixesOf(diagnostic: vscode.Diagnostic): { safe?: unknown }[] {
  const data = (diagnostic as { data?: unknown }).data;
  const fixes = typeof data === "object" && data !== null ? (data as { fixes?: unknown }).fixes : undefined;
  return Array.isArray(fixes) ? (fixes as { safe?: unknown }[]) : [];
}

/**
 * "2 leaks have only unsafe fixes: use the quick fix on each", when the file's lambda-leak
 * diagnostics have fixes but none is safe (Fix All applies safe fixes only); else undefined.
 */
export function unsafeOnlyReason(diagnostics: readonly vscode.Diagnostic[]): string | undefined {
  const count = diagnostics.filter((diagnostic) => {
    const fixes = fixesOf(diagnostic);
    return diagnostic.source === "lambda-leak" && fixes.length > 0 && fixes.every((fix) => fix.safe !== true);
  }).length;
  if (count === 0) {
    return undefined;
  }
  return `${count} ${count === 1 ? "leak has" : "leaks have"} only unsafe fixes: use the quick fix on each`;
}
