/**
 * Which program starts the language server, with which arguments.
 *
 * No `vscode` import: the unit tests call this directly, and the integration test spawns the very
 * command line built here, so the extension and its tests cannot drift apart.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** `lambda-leak server`: the console script's subcommand (stdio is the default transport). */
export const SERVER_SUBCOMMAND = ["server"];
/** `<python> -m lambda_leak server`. */
export const MODULE_ARGS = ["-m", "lambda_leak", "server"];

export type LaunchSource = "serverPath" | "interpreter" | "pythonExtension" | "path";

/** `lambdaLeak.importStrategy`: the server shipped in the extension, or the Python's own install. */
export type ImportStrategy = "useBundled" | "fromEnvironment";

/** The bundled server's launcher, relative to the extension's folder (see scripts/bundle-server.mjs). */
export const BUNDLED_LAUNCHER = ["bundled", "tool", "lambda_leak_server.py"];
/** Its exit code when asked `--probe` and lambda_leak cannot be imported from the bundle. */
export const BUNDLED_PROBE_ARG = "--probe";

export interface ServerCommand {
  command: string;
  args: string[];
  source: LaunchSource;
  /** The Python command (program + leading args) when the server runs as `-m lambda_leak` or bundled. */
  python?: string[];
  /** The bundled launcher this Python runs (useBundled), instead of `-m lambda_leak`. */
  bundled?: string;
}

export interface VariableContext {
  workspaceFolder?: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

export interface LaunchInputs {
  /** `lambdaLeak.serverPath`: a `lambda-leak` executable. */
  serverPath?: string;
  /** `lambdaLeak.interpreter`: a Python that has lambda-leak installed. */
  interpreter?: string;
  /** The active environment's command from the Python extension, when it is installed. */
  pythonExtension?: string[];
  context: VariableContext;
  /** Looks names up on PATH; injectable for tests. */
  findExecutable?: (names: string[]) => string | undefined;
  /** `lambdaLeak.importStrategy` (default useBundled). */
  importStrategy?: ImportStrategy;
  /** The bundled launcher's path when the extension carries one (undefined: not bundled). */
  bundledLauncher?: string;
}

export function defaultVariableContext(workspaceFolder?: string): VariableContext {
  return { workspaceFolder, home: os.homedir(), env: process.env };
}

/**
 * Expands what users write in path settings: `~`, `${userHome}`, `${workspaceFolder}`, `${env:NAME}`.
 * A relative path with a folder part (`.venv/bin/python`) is taken from the workspace folder; a bare
 * name (`python3`) stays bare so the OS looks it up on PATH.
 */
export function expandVariables(value: string, context: VariableContext): string {
  let result = value.trim();
  if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
    result = context.home + result.slice(1);
  }
  result = result.replace(/\$\{(userHome|workspaceFolder|env:([^}]+))\}/g, (whole, name: string, envName?: string) => {
    if (name === "userHome") {
      return context.home;
    }
    if (name === "workspaceFolder") {
      return context.workspaceFolder ?? whole;
    }
    return context.env[envName ?? ""] ?? "";
  });
  const hasFolderPart = result.includes("/") || result.includes("\\");
  if (hasFolderPart && !path.isAbsolute(result) && context.workspaceFolder) {
    result = path.join(context.workspaceFolder, result);
  }
  return result;
}

function nonEmpty(value: string | undefined): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function pythonCommand(python: string[], source: LaunchSource, bundled?: string): ServerCommand {
  const [program, ...leading] = python;
  if (bundled) {
    return { command: program ?? "python3", args: [...leading, bundled, ...SERVER_SUBCOMMAND], source, python, bundled };
  }
  return { command: program ?? "python3", args: [...leading, ...MODULE_ARGS], source, python };
}

/**
 * The server command, by precedence: `serverPath`, then `interpreter`, then the Python extension's
 * active environment, then `python3`/`python` on PATH. Undefined when there is nothing to run.
 */
export function resolveServerCommand(inputs: LaunchInputs): ServerCommand | undefined {
  const { context } = inputs;
  if (nonEmpty(inputs.serverPath)) {
    return { command: expandVariables(inputs.serverPath, context), args: [...SERVER_SUBCOMMAND], source: "serverPath" };
  }
  // useBundled (the default): the same Python choice, running the server the extension carries.
  const bundled = inputs.importStrategy !== "fromEnvironment" ? inputs.bundledLauncher : undefined;
  if (nonEmpty(inputs.interpreter)) {
    return pythonCommand([expandVariables(inputs.interpreter, context)], "interpreter", bundled);
  }
  if (inputs.pythonExtension && inputs.pythonExtension.length > 0 && nonEmpty(inputs.pythonExtension[0])) {
    return pythonCommand(inputs.pythonExtension, "pythonExtension", bundled);
  }
  const find = inputs.findExecutable ?? ((names: string[]) => findOnPath(names, context.env));
  const found = find(pythonNamesFor(process.platform));
  return found ? pythonCommand([found], "path", bundled) : undefined;
}

/** The bundled launcher inside the extension folder, when the package carries a server. */
export function bundledLauncherIn(extensionPath: string, exists: (file: string) => boolean = fs.existsSync): string | undefined {
  const launcher = path.join(extensionPath, ...BUNDLED_LAUNCHER);
  return exists(launcher) && exists(path.join(extensionPath, "bundled", "libs", "lambda_leak")) ? launcher : undefined;
}

export function pythonNamesFor(platform: NodeJS.Platform): string[] {
  return platform === "win32" ? ["python", "python3"] : ["python3", "python"];
}

function isExecutableFile(candidate: string): boolean {
  try {
    const stat = fs.statSync(candidate);
    if (!stat.isFile()) {
      return false;
    }
    fs.accessSync(candidate, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found on PATH (with PATHEXT on Windows), as an absolute path. */
export function findOnPath(
  names: string[],
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  isExecutable: (candidate: string) => boolean = isExecutableFile,
): string | undefined {
  const pathValue = env.PATH ?? env.Path ?? "";
  const separator = platform === "win32" ? ";" : ":";
  const join = (folder: string, name: string) => (platform === "win32" ? path.win32.join(folder, name) : path.posix.join(folder, name));
  const extensions = platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean) : [""];
  const folders = pathValue.split(separator).filter(Boolean);
  for (const name of names) {
    for (const folder of folders) {
      for (const extension of extensions) {
        const candidate = join(folder, name + extension);
        if (isExecutable(candidate)) {
          return candidate;
        }
      }
    }
  }
  return undefined;
}

/** The command line as a user would type it (for the log and the status bar tooltip). */
export function describeCommand(command: ServerCommand): string {
  return [command.command, ...command.args].map(quoteForDisplay).join(" ");
}

function quoteForDisplay(part: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(part) ? part : JSON.stringify(part);
}
