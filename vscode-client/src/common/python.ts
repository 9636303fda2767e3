/**
 * The Python extension's active interpreter, when ms-python.python is installed. It is an
 * optional integration (not an extensionDependency): every call tolerates its absence and
 * both of its API generations (`environments` and the older `settings.getExecutionDetails`).
 */

import * as vscode from "vscode";
import { getLog } from "./logging";

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  known?: readonly { path: string; executable?: { uri?: vscode.Uri } }[];
  resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

interface PythonApi {
  environments?: PythonEnvironmentsApi;
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
    onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
}

const PYTHON_EXTENSION_ID = "ms-python.python";

async function pythonApi(): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (extension === undefined) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    getLog().warn(`The Python extension did not activate: ${String(error)}`);
    return undefined;
  }
}

/** The active interpreter's command for `resource`, or undefined. Never throws. */
export async function activeInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const api = await pythonApi();
  if (api === undefined) {
    return undefined;
  }
  try {
    const environments = api.environments;
    if (environments !== undefined) {
      const envPath = environments.getActiveEnvironmentPath(resource);
      if (envPath !== undefined) {
        const resolved = await environments.resolveEnvironment(envPath);
        const executable = resolved?.executable?.uri?.fsPath;
        if (executable) {
          return [executable];
        }
      }
    }
    const command = api.settings?.getExecutionDetails?.(resource).execCommand;
    if (command !== undefined && command.length > 0) {
      return command;
    }
  } catch (error) {
    getLog().warn(`Could not read the Python extension's interpreter: ${String(error)}`);
  }
  return undefined;
}

/** Subscribe to interpreter changes in the Python extension (no-op without it). */
export async function onInterpreterChanged(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await pythonApi();
  const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
  return event ? event(() => listener()) : undefined;
}

/** The interpreters the Python extension knows (executable paths, no duplicates). Never throws. */
export async function knownInterpreters(): Promise<string[]> {
  const api = await pythonApi();
  const found: string[] = [];
  try {
    for (const env of api?.environments?.known ?? []) {
      const executable = env.executable?.uri?.fsPath ?? env.path;
      if (executable && !found.includes(executable)) {
        found.push(executable);
      }
    }
  } catch (error) {
    getLog().warn(`Could not list the Python extension's interpreters: ${String(error)}`);
  }
  return found;
}
