/**
 * A stand-in for the `vscode` module (VS Code cannot be downloaded here). It implements the parts the
 * extension's launch/settings/command logic touches and records what the extension did, so tests can
 * assert on it. Setting defaults come from package.json's `contributes.configuration`, so a test also
 * fails when the manifest and the code disagree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

type Listener<T> = (value: T) => unknown;

export class Disposable {
  constructor(private readonly callOnDispose: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    this.callOnDispose();
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    private readonly text: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri("file", fsPath, pathToFileURL(fsPath).href);
  }
  static parse(text: string): Uri {
    if (text.startsWith("file:")) {
      return new Uri("file", fileURLToPath(text), text);
    }
    return new Uri(text.split(":")[0] ?? "", "", text);
  }
  toString(): string {
    return this.text;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class CodeActionKind {
  constructor(readonly value: string) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

// ---- recorded state, reset between tests -------------------------------------------------------

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

export const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8")) as Manifest;

export interface Message {
  level: "error" | "warning" | "info";
  text: string;
  items: string[];
}

export interface TerminalRecord {
  options: { name?: string; shellPath?: string; shellArgs?: string[] };
  shown: boolean;
  exitStatus?: { code: number | undefined };
}

export interface FakeStatusBarItem {
  name?: string;
  text: string;
  tooltip?: string;
  command?: string;
  backgroundColor?: ThemeColor;
  accessibilityInformation?: unknown;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export const stub = {
  /** Values by scope: `user` (global), `workspace`, and per folder URI string. Keys without `lambdaLeak.`. */
  settings: { user: {} as Record<string, unknown>, workspace: {} as Record<string, unknown>, folders: {} as Record<string, Record<string, unknown>> },
  messages: [] as Message[],
  /** Answers the next notifications give, in order (undefined: dismissed). */
  answers: [] as (string | undefined)[],
  terminals: [] as TerminalRecord[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  executeResults: new Map<string, unknown>(),
  extensions: new Map<string, unknown>(),
  statusItems: [] as FakeStatusBarItem[],
  logLines: [] as string[],
  shownDocuments: [] as { uri: string; line: number | undefined; preview: boolean | undefined }[],
  appliedEdits: [] as unknown[],
  quickPicks: [] as FakeQuickPick[],
  closeTerminal: new EventEmitter<TerminalRecord>(),
  configurationChange: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  foldersChange: new EventEmitter<unknown>(),
  activeTextEditor: undefined as unknown,
  /** `vscode.env.remoteName`: set for a remote window (ssh-remote, wsl, ...). */
  remoteName: undefined as string | undefined,
  /** `vscode.languages.getDiagnostics(uri)` answers, by URI string. */
  diagnostics: new Map<string, unknown[]>(),
  reset(): void {
    stub.settings = { user: {}, workspace: {}, folders: {} };
    stub.messages = [];
    stub.answers = [];
    stub.terminals = [];
    stub.commands.clear();
    stub.executed = [];
    stub.executeResults.clear();
    stub.extensions.clear();
    stub.statusItems = [];
    stub.logLines = [];
    stub.shownDocuments = [];
    stub.appliedEdits = [];
    stub.quickPicks = [];
    stub.closeTerminal = new EventEmitter();
    stub.configurationChange = new EventEmitter();
    stub.foldersChange = new EventEmitter();
    stub.activeTextEditor = undefined;
    stub.remoteName = undefined;
    stub.diagnostics = new Map();
    workspace.workspaceFolders = undefined;
  },
};

// ---- workspace ---------------------------------------------------------------------------------

function defaultOf(section: string, key: string): unknown {
  return manifest.contributes.configuration.properties[`${section}.${key}`]?.default;
}

function configuration(section: string, scope?: Uri | { uri: Uri }) {
  const uri = scope instanceof Uri ? scope : scope?.uri;
  const folder = uri ? workspace.workspaceFolders?.find((f) => uri.toString().startsWith(f.uri.toString())) : undefined;
  const folderValues = folder ? (stub.settings.folders[folder.uri.toString()] ?? {}) : {};
  const lookup = (values: Record<string, unknown>, key: string) => values[`${section}.${key}`];
  return {
    get(key: string, fallback?: unknown): unknown {
      for (const values of [folderValues, stub.settings.workspace, stub.settings.user]) {
        const value = lookup(values, key);
        if (value !== undefined) {
          return value;
        }
      }
      return defaultOf(section, key) ?? fallback;
    },
    has(key: string): boolean {
      return this.get(key) !== undefined;
    },
    inspect(key: string) {
      return {
        key: `${section}.${key}`,
        defaultValue: defaultOf(section, key),
        globalValue: lookup(stub.settings.user, key),
        workspaceValue: lookup(stub.settings.workspace, key),
        workspaceFolderValue: folder ? lookup(folderValues, key) : undefined,
      };
    },
    update(): Promise<void> {
      return Promise.reject(new Error("not supported by the stub"));
    },
  };
}

export const workspace = {
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  getConfiguration: configuration,
  onDidChangeConfiguration: (listener: Listener<{ affectsConfiguration(section: string): boolean }>) => stub.configurationChange.event(listener),
  onDidChangeWorkspaceFolders: (listener: Listener<unknown>) => stub.foldersChange.event(listener),
  asRelativePath(target: string | Uri): string {
    const fsPath = typeof target === "string" ? target : target.fsPath;
    const folder = workspace.workspaceFolders?.find((f) => fsPath.startsWith(f.uri.fsPath + path.sep));
    return folder ? path.relative(folder.uri.fsPath, fsPath) : fsPath;
  },
  applyEdit(edit: unknown): Promise<boolean> {
    stub.appliedEdits.push(edit);
    return Promise.resolve(true);
  },
};

/** Opens folders as a multi-root workspace. */
export function setFolders(...fsPaths: string[]): void {
  workspace.workspaceFolders = fsPaths.map((fsPath, index) => ({ uri: Uri.file(fsPath), name: path.basename(fsPath), index }));
}

// ---- window ------------------------------------------------------------------------------------

function message(level: Message["level"]) {
  return (text: string, ...items: string[]): Promise<string | undefined> => {
    stub.messages.push({ level, text, items });
    return Promise.resolve(stub.answers.shift());
  };
}

export class FakeQuickPick {
  items: unknown[] = [];
  activeItems: unknown[] = [];
  selectedItems: unknown[] = [];
  title?: string;
  placeholder?: string;
  matchOnDescription = false;
  matchOnDetail = false;
  visible = false;
  disposed = false;
  readonly activeChange = new EventEmitter<unknown[]>();
  readonly accept = new EventEmitter<undefined>();
  readonly hideEvent = new EventEmitter<undefined>();
  onDidChangeActive = this.activeChange.event;
  onDidAccept = this.accept.event;
  onDidHide = this.hideEvent.event;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
    this.hideEvent.fire(undefined);
  }
  dispose(): void {
    this.disposed = true;
  }
}

export const window = {
  showErrorMessage: message("error"),
  showWarningMessage: message("warning"),
  showInformationMessage: message("info"),
  createOutputChannel(name: string) {
    const record = (level: string) => (text: string) => stub.logLines.push(`[${level}] ${text}`);
    return {
      name,
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
      debug: record("debug"),
      trace: record("trace"),
      append: record("raw"),
      appendLine: record("raw"),
      show: () => stub.executed.push({ command: "<output.show>", args: [name] }),
      dispose: () => undefined,
    };
  },
  createStatusBarItem(): FakeStatusBarItem {
    const item: FakeStatusBarItem = {
      text: "",
      visible: false,
      show() {
        item.visible = true;
      },
      hide() {
        item.visible = false;
      },
      dispose() {
        item.visible = false;
      },
    };
    stub.statusItems.push(item);
    return item;
  },
  createTerminal(options: TerminalRecord["options"]) {
    const record: TerminalRecord = { options, shown: false };
    stub.terminals.push(record);
    return Object.assign(record, {
      show() {
        record.shown = true;
      },
    });
  },
  onDidCloseTerminal: (listener: Listener<TerminalRecord>) => stub.closeTerminal.event(listener),
  createQuickPick(): FakeQuickPick {
    const pick = new FakeQuickPick();
    stub.quickPicks.push(pick);
    return pick;
  },
  showTextDocument(uri: Uri, options?: { selection?: Range; preview?: boolean }): Promise<void> {
    stub.shownDocuments.push({ uri: uri.toString(), line: options?.selection?.start.line, preview: options?.preview });
    return Promise.resolve();
  },
  get activeTextEditor(): unknown {
    return stub.activeTextEditor;
  },
};

// ---- commands, extensions ----------------------------------------------------------------------

export const commands = {
  registerCommand(command: string, callback: (...args: unknown[]) => unknown): Disposable {
    if (stub.commands.has(command)) {
      throw new Error(`command '${command}' already exists`);
    }
    stub.commands.set(command, callback);
    return new Disposable(() => stub.commands.delete(command));
  },
  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    stub.executed.push({ command, args });
    const own = stub.commands.get(command);
    if (own) {
      return Promise.resolve(own(...args));
    }
    return Promise.resolve(stub.executeResults.get(command));
  },
};

export const env = {
  get remoteName(): string | undefined {
    return stub.remoteName;
  },
};

export const languages = {
  getDiagnostics(uri: Uri): unknown[] {
    return stub.diagnostics.get(uri.toString()) ?? [];
  },
};

export const extensions = {
  getExtension(id: string): unknown {
    return stub.extensions.get(id);
  },
};

// vscode-languageclient subclasses these when it loads; the extension's tested paths never construct them.
/* eslint-disable @typescript-eslint/no-extraneous-class */
export class CodeAction {}
export class Diagnostic {}
export class CallHierarchyItem {}
export class CodeLens {}
export class CompletionItem {}
export class DocumentLink {}
export class InlayHint {}
export class SymbolInformation {}
export class TypeHierarchyItem {}
export class CancellationError extends Error {}
