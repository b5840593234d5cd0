/**
 * The `lambdaLeak.*` settings the server understands, and the shapes it receives them in:
 * `initializationOptions` (a dict, or a list of `{uri, settings}` per workspace folder) and answers to
 * `workspace/configuration` for the section `lambdaLeak`. Only plain data here, no `vscode` import.
 */

export const SECTION = "lambdaLeak";

/**
 * Keys passed to the server: the config file's plus the editor-only `run`, `logLevel` and `diagnostics`.
 * `enable` stays in the client: it decides which documents the server sees (see `documentSelector`).
 */
export const SERVER_KEYS = ["select", "ignore", "severity", "scope", "run", "logLevel", "diagnostics"] as const;
export type ServerKey = (typeof SERVER_KEYS)[number];

/** Always sent: they have no config-file equivalent, so the editor's value (or default) is the truth. */
const EDITOR_KEYS: ReadonlySet<ServerKey> = new Set<ServerKey>(["run", "logLevel", "diagnostics"]);

/** Changing these needs a new server process; the rest are sent to the running one. */
export const RESTART_KEYS = ["interpreter", "serverPath", "importStrategy", "enable"] as const;

export type ServerSettings = Partial<Record<ServerKey, unknown>>;
export interface FolderSettings {
  uri: string;
  settings: ServerSettings;
}
export type InitializationOptions = ServerSettings | FolderSettings[];

/** What `vscode.WorkspaceConfiguration` offers that we use (kept small so tests can fake it). */
export interface ConfigurationLike {
  get(key: string): unknown;
  inspect(key: string):
    | {
        globalValue?: unknown;
        workspaceValue?: unknown;
        workspaceFolderValue?: unknown;
        globalLanguageValue?: unknown;
        workspaceLanguageValue?: unknown;
        workspaceFolderLanguageValue?: unknown;
      }
    | undefined;
}

function isSetByUser(config: ConfigurationLike, key: string): boolean {
  const inspected = config.inspect(key);
  if (!inspected) {
    return false;
  }
  return [
    inspected.globalValue,
    inspected.workspaceValue,
    inspected.workspaceFolderValue,
    inspected.globalLanguageValue,
    inspected.workspaceLanguageValue,
    inspected.workspaceFolderLanguageValue,
  ].some((value) => value !== undefined);
}

/**
 * The settings for one scope. Rule settings (`select`, `ignore`, `severity`, `scope`) are sent only when
 * the user set them, so a project's `lambda-leak.toml` is not overridden by the editor's defaults.
 * An empty `select` means "not chosen" (sent as-is it would turn every rule off).
 */
export function serverSettings(config: ConfigurationLike): ServerSettings {
  const settings: ServerSettings = {};
  for (const key of SERVER_KEYS) {
    if (!EDITOR_KEYS.has(key) && !isSetByUser(config, key)) {
      continue;
    }
    const value = config.get(key);
    if (value === undefined || value === null) {
      continue;
    }
    if (key === "select" && Array.isArray(value) && value.length === 0) {
      continue;
    }
    settings[key] = value;
  }
  return settings;
}

export interface FolderLike {
  uri: { toString(): string };
}

/** A dict when no folder is open; otherwise one entry per workspace folder (multi-root). */
export function initializationOptions(
  folders: readonly FolderLike[] | undefined,
  configurationFor: (folder: FolderLike | undefined) => ConfigurationLike,
): InitializationOptions {
  if (!folders || folders.length === 0) {
    return serverSettings(configurationFor(undefined));
  }
  return folders.map((folder) => ({ uri: folder.uri.toString(), settings: serverSettings(configurationFor(folder)) }));
}

export interface DocumentFilter {
  scheme: string;
  language: string;
  /** An LSP RelativePattern: matched from the folder, whatever characters its path holds. */
  pattern?: { baseUri: string; pattern: string };
}

/**
 * The documents the server sees. With `enable` off in some folders, only the enabled folders'
 * files (untitled and out-of-folder files follow the disabled state then too).
 */
export function documentSelector(
  languages: readonly string[],
  folders: readonly FolderLike[] | undefined,
  configurationFor: (folder: FolderLike | undefined) => ConfigurationLike,
): DocumentFilter[] {
  const all = folders ?? [];
  const enabled = all.filter((folder) => configurationFor(folder).get("enable") !== false);
  if (enabled.length === all.length) {
    return languages.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]);
  }
  return languages.flatMap((language) =>
    enabled.map((folder) => ({ scheme: "file", language, pattern: { baseUri: folder.uri.toString(), pattern: "**/*" } })),
  );
}

/** `enable` decides whether a server runs at all: true when any folder (or the window) enables it. */
export function anyEnabled(folders: readonly FolderLike[] | undefined, configurationFor: (folder: FolderLike | undefined) => ConfigurationLike): boolean {
  const scopes: (FolderLike | undefined)[] = folders && folders.length > 0 ? [...folders] : [undefined];
  return scopes.some((folder) => configurationFor(folder).get("enable") !== false);
}

export type ChangeKind = "restart" | "reconfigure" | "none";

/** `affects` is `ConfigurationChangeEvent.affectsConfiguration`. */
export function classifyChange(affects: (section: string) => boolean): ChangeKind {
  if (!affects(SECTION)) {
    return "none";
  }
  if (RESTART_KEYS.some((key) => affects(`${SECTION}.${key}`))) {
    return "restart";
  }
  if (SERVER_KEYS.some((key) => affects(`${SECTION}.${key}`))) {
    return "reconfigure";
  }
  // `trace.server` is applied by the language client itself.
  return "none";
}

/**
 * `workspace/didChangeConfiguration` params: no settings, so the server pulls them again with
 * `workspace/configuration` — for the window and each folder, answered by `answerConfiguration`.
 */
export const DID_CHANGE_CONFIGURATION = { settings: null } as const;

export interface ConfigurationItemLike {
  scopeUri?: string;
  section?: string;
}

/**
 * Answers to `workspace/configuration`: our section gets exactly the server settings (not the
 * client-only `interpreter`, `serverPath`, `trace`); other sections keep the default answers.
 */
export function answerConfiguration(
  items: readonly ConfigurationItemLike[],
  defaultAnswers: readonly unknown[],
  settingsFor: (scopeUri: string | undefined) => ServerSettings,
): unknown[] {
  return items.map((item, index) => (item.section === SECTION ? settingsFor(item.scopeUri) : defaultAnswers[index] ?? null));
}
