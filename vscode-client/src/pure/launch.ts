/**
 * Launch-argument building: the command, arguments and environment of the server process
 * (and of its preflight check), from the chosen interpreter and the import strategy.
 *
 * "useBundled" puts the extension's `bundled/libs` (the server and its pure-Python
 * dependencies, copied in at build time) first on PYTHONPATH, so it wins over any other
 * pygls/leaf_lsp in the interpreter; "fromEnvironment" runs the leaf-lsp installed there.
 * Pure: no `vscode`, no processes.
 */

import type { ImportStrategy } from "./settings";

/** The server module: `python -m leaf_lsp` with no arguments serves LSP over stdio. */
export const SERVER_MODULE = "leaf_lsp";

export interface LaunchInput {
  interpreter: string[];
  importStrategy: ImportStrategy;
  /** Absolute path of the extension's bundled/libs folder. */
  bundledLibs: string;
  /** The environment to extend (process.env of the extension host). */
  env: Record<string, string | undefined>;
  /** path.delimiter of the platform (":" or ";"). */
  pathDelimiter: string;
  /** Override of the server module (development only). */
  module?: string;
}

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The environment the server (and its preflight) runs with. */
export function serverEnv(input: LaunchInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.env)) {
    if (value !== undefined) {
      env[key] = value;
    }
  }
  if (input.importStrategy === "useBundled") {
    const existing = env.PYTHONPATH;
    env.PYTHONPATH = existing ? `${input.bundledLibs}${input.pathDelimiter}${existing}` : input.bundledLibs;
  }
  // Unbuffered stderr so server tracebacks reach the log as they happen; UTF-8 so that
  // non-ASCII paths and messages survive on any locale.
  env.PYTHONUNBUFFERED = "1";
  env.PYTHONIOENCODING = "utf-8";
  return env;
}

/** The server process: `<interpreter...> -m leaf_lsp`. */
export function buildLaunch(input: LaunchInput): Launch {
  if (input.interpreter.length === 0) {
    throw new Error("no interpreter to launch the server with");
  }
  const [command, ...fixed] = input.interpreter;
  return { command, args: [...fixed, "-m", input.module ?? SERVER_MODULE], env: serverEnv(input) };
}

/** The preflight process: `<interpreter...> -c <script>` with the server's environment. */
export function buildPreflight(input: LaunchInput, script: string): Launch {
  if (input.interpreter.length === 0) {
    throw new Error("no interpreter to check");
  }
  const [command, ...fixed] = input.interpreter;
  return { command, args: [...fixed, "-c", script], env: serverEnv(input) };
}
