/**
 * The active Python environment from the Python extension (ms-python.python), when it is installed.
 * Only the few members we call are typed here; anything missing or failing means "no answer".
 */
import * as vscode from "vscode";

export const PYTHON_EXTENSION_ID = "ms-python.python";

interface EnvironmentPath {
  id: string;
  path: string;
}

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
    resolveEnvironment(environment: EnvironmentPath | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
}

async function pythonApi(): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  return extension.isActive ? extension.exports : await extension.activate();
}

/** The command that runs the active interpreter for `resource`, e.g. `["/x/.venv/bin/python"]`. */
export async function activePythonCommand(resource: vscode.Uri | undefined, log: (message: string) => void): Promise<string[] | undefined> {
  try {
    const api = await pythonApi();
    if (!api) {
      return undefined;
    }
    if (api.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active);
      const executable = resolved?.executable.uri?.fsPath;
      if (executable) {
        return [executable];
      }
    }
    const command = api.settings?.getExecutionDetails?.(resource).execCommand;
    return command && command.length > 0 ? command : undefined;
  } catch (error) {
    log(`The Python extension did not give an interpreter: ${String(error)}`);
    return undefined;
  }
}

/** Fires when the user picks another interpreter in the Python extension. */
export async function onDidChangeActivePython(listener: () => void): Promise<vscode.Disposable | undefined> {
  try {
    const api = await pythonApi();
    return api?.environments?.onDidChangeActiveEnvironmentPath?.(() => listener());
  } catch {
    return undefined;
  }
}
