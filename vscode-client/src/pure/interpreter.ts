/**
 * Interpreter choice and checking: which Python runs the server, and whether it is usable.
 *
 * Order: the `leaf-lsp.interpreter` setting, else the Python extension's active
 * interpreter, else `python3` (`python` on Windows). The chosen interpreter is checked
 * with one short preflight run (version >= 3.10, and whether `leaf_lsp` imports) whose
 * output is parsed here. Pure: no `vscode`, no processes.
 */

export type InterpreterSource = "setting" | "python-extension" | "default";

export interface InterpreterChoice {
  /** Executable followed by any fixed arguments, e.g. ["conda", "run", "-n", "x", "python"]. */
  command: string[];
  source: InterpreterSource;
}

export const MIN_VERSION: readonly [number, number] = [3, 10];

/** Pick the interpreter; `pythonExtension` is undefined when that extension is absent or has none. */
export function chooseInterpreter(
  setting: string[],
  pythonExtension: string[] | undefined,
  platform: string,
): InterpreterChoice {
  if (setting.length > 0) {
    return { command: [...setting], source: "setting" };
  }
  if (pythonExtension !== undefined && pythonExtension.length > 0 && pythonExtension[0].trim() !== "") {
    return { command: [...pythonExtension], source: "python-extension" };
  }
  return { command: [platform === "win32" ? "python" : "python3"], source: "default" };
}

/**
 * A script for `python -c`: prints the version, then whether leaf_lsp imports. Written so
 * that even Python 2 prints the version line instead of failing on syntax.
 */
export const PREFLIGHT_SCRIPT = [
  "import sys",
  "sys.stdout.write('python %d.%d.%d\\n' % tuple(sys.version_info[:3]))",
  "try:",
  "    import leaf_lsp",
  // Everything `python -m leaf_lsp` imports up front (its CLI, the engine), without running it.
  "    import leaf_lsp.__main__",
  "    sys.stdout.write('leaf_lsp %s %s\\n' % (getattr(leaf_lsp, '__version__', '?'), leaf_lsp.__file__))",
  "except Exception as exc:",
  "    sys.stdout.write('leaf_lsp-missing %s: %s\\n' % (type(exc).__name__, exc))",
].join("\n");

export interface Preflight {
  version?: [number, number, number];
  leafLsp?: { version: string; file: string };
  leafLspError?: string;
}

/** Parse the preflight script's stdout. Unknown lines are ignored. */
export function parsePreflight(stdout: string): Preflight {
  const result: Preflight = {};
  for (const line of stdout.split(/\r?\n/)) {
    const version = /^python (\d+)\.(\d+)\.(\d+)\s*$/.exec(line);
    if (version) {
      result.version = [Number(version[1]), Number(version[2]), Number(version[3])];
      continue;
    }
    const found = /^leaf_lsp (\S+) (.*)$/.exec(line);
    if (found) {
      result.leafLsp = { version: found[1], file: found[2].trim() };
      continue;
    }
    const missing = /^leaf_lsp-missing (.*)$/.exec(line);
    if (missing) {
      result.leafLspError = missing[1].trim();
    }
  }
  return result;
}

/** Whether `version` is at least `min`. */
export function versionAtLeast(version: readonly number[], min: readonly number[] = MIN_VERSION): boolean {
  for (let i = 0; i < min.length; i++) {
    const v = version[i] ?? 0;
    if (v !== min[i]) {
      return v > min[i];
    }
  }
  return true;
}

export interface PreflightOutcome {
  /** The preflight process could not be started or exited non-zero. */
  spawnError?: string;
  stdout: string;
  stderr: string;
}

/**
 * Why the interpreter cannot run the server, as a user-facing message ending in the fix;
 * undefined when it can.
 */
export function interpreterProblem(
  choice: InterpreterChoice,
  outcome: PreflightOutcome,
  importStrategy: "useBundled" | "fromEnvironment",
): string | undefined {
  const shown = choice.command.join(" ");
  const where =
    choice.source === "setting"
      ? "from the leaf-lsp.interpreter setting"
      : choice.source === "python-extension"
        ? "selected in the Python extension"
        : "found on PATH";
  const fix = 'Set "leaf-lsp.interpreter" to a Python 3.10+ executable.';
  const preflight = parsePreflight(outcome.stdout);
  if (preflight.version === undefined) {
    const detail = (outcome.spawnError ?? outcome.stderr.trim().split(/\r?\n/).pop() ?? "").trim();
    return `leaf-lsp could not run the Python interpreter "${shown}" (${where})${detail ? `: ${detail}` : ""}. ${fix}`;
  }
  if (!versionAtLeast(preflight.version)) {
    return `leaf-lsp needs Python ${MIN_VERSION.join(".")} or newer; "${shown}" (${where}) is ${preflight.version.join(".")}. ${fix}`;
  }
  if (preflight.leafLsp === undefined) {
    if (importStrategy === "fromEnvironment") {
      return (
        `leaf-lsp is not installed in "${shown}" (${where}): ${preflight.leafLspError ?? "import failed"}. ` +
        `Run "${shown} -m pip install leaf-lsp", or set "leaf-lsp.importStrategy" to "useBundled".`
      );
    }
    return (
      `The leaf-lsp server bundled with the extension does not import with "${shown}": ` +
      `${preflight.leafLspError ?? "import failed"}. Reinstall the extension, or set "leaf-lsp.interpreter" to another Python 3.10+ executable.`
    );
  }
  return undefined;
}
