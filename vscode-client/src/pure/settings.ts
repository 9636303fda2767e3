/**
 * Settings resolution: turns the raw values of the `leaf-lsp.*` configuration into the
 * client's launch settings and the server's settings object (sent as
 * `initializationOptions` and answered to `workspace/configuration`).
 *
 * Pure: no `vscode` import, every input is a parameter, so it is unit-tested in plain node.
 * Validation is lenient: a bad value yields the default plus a human-readable problem.
 */

export type Verbosity = "minimal" | "normal" | "verbose";
export type Device = "cpu" | "auto";
/** Which files Verify with Torch may run: inside a workspace folder only, or any (untitled too). */
export type ProbeScope = "workspace" | "any";
export type ImportStrategy = "useBundled" | "fromEnvironment";
export type Trace = "off" | "messages" | "verbose";
export type Severity = "error" | "warning" | "information";
/** When diagnostics are computed: as you type, or for the saved file only (like ruff's `lint.run`). */
export type LintRun = "onType" | "onSave";

/** The server's settings section "leaf-lsp" (the contract with the language server). */
export interface ServerSettings {
  select: string[];
  ignore: string[];
  severity: Record<string, Severity>;
  inlayHints: { enabled: boolean; verbosity: Verbosity; showUnknown: boolean; repeated: boolean };
  lint: { run: LintRun };
  probe: { interpreter: string; timeout: number; device: Device; memoryMb: number; scope: ProbeScope };
  trusted: boolean;
  /** Documents larger than this (KiB) are not analysed. */
  maxFileSizeKb: number;
}

/** Everything the client needs: how to launch the server and what to send it. */
export interface ClientSettings {
  /** `leaf-lsp.enable`: false keeps the server stopped. */
  enable: boolean;
  /** Interpreter command from the setting (may be empty: then the Python extension or python3). */
  interpreter: string[];
  importStrategy: ImportStrategy;
  trace: Trace;
  server: ServerSettings;
}

/** Where `${...}` variables in paths are resolved from. */
export interface SubstitutionContext {
  workspaceFolder?: string;
  home: string;
  env: Record<string, string | undefined>;
}

/** Keys read under the `leaf-lsp` configuration section (package.json contributes each). */
export const SETTING_KEYS = [
  "enable",
  "lint.run",
  "select",
  "ignore",
  "severity",
  "inlayHints.enabled",
  "inlayHints.verbosity",
  "inlayHints.showUnknown",
  "inlayHints.repeated",
  "probe.interpreter",
  "probe.timeout",
  "probe.device",
  "probe.memoryMb",
  "maxFileSizeKb",
  "probe.scope",
  "interpreter",
  "importStrategy",
  "trace.server",
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

/** Defaults, identical to the ones package.json declares. */
export const DEFAULTS: ClientSettings = {
  enable: true,
  interpreter: [],
  importStrategy: "useBundled",
  trace: "off",
  server: {
    select: ["LEAF"],
    ignore: [],
    severity: {},
    inlayHints: { enabled: true, verbosity: "normal", showUnknown: false, repeated: false },
    lint: { run: "onType" },
    // The server's default too (server/leaf_lsp/probe_limits.py DEFAULT_MEMORY_MB).
    probe: { interpreter: "", timeout: 30, device: "cpu", memoryMb: 4096, scope: "workspace" },
    trusted: true,
    maxFileSizeKb: 5120,
  },
};

/** Replace `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function substituteVariables(value: string, ctx: SubstitutionContext): string {
  let out = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (match, name, envName) => {
    if (name === "workspaceFolder") {
      // Left as is when there is no folder: the launch then fails with a visible path.
      return ctx.workspaceFolder ?? match;
    }
    if (name === "userHome") {
      return ctx.home;
    }
    return ctx.env[envName as string] ?? "";
  });
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) {
    out = ctx.home + out.slice(1);
  }
  return out;
}

/**
 * Resolve raw configuration values (as `WorkspaceConfiguration.get(key)` returns them;
 * `undefined` for unset) into settings. Never throws.
 */
export function resolveSettings(
  raw: Partial<Record<SettingKey, unknown>>,
  ctx: SubstitutionContext,
  trusted: boolean,
): { settings: ClientSettings; problems: string[] } {
  const problems: string[] = [];
  const d = DEFAULTS;

  const codes = (key: SettingKey, fallback: string[]): string[] => {
    const value = raw[key];
    if (value === undefined || value === null) {
      return [...fallback];
    }
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list) || !list.every((v) => typeof v === "string")) {
      problems.push(`leaf-lsp.${key} must be a list of rule codes; using the default`);
      return [...fallback];
    }
    return list.map((v) => v.trim().toUpperCase()).filter((v) => v.length > 0);
  };

  const oneOf = <T extends string>(key: SettingKey, allowed: readonly T[], fallback: T): T => {
    const value = raw[key];
    if (value === undefined || value === null) {
      return fallback;
    }
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    problems.push(`leaf-lsp.${key} must be one of ${allowed.join(", ")}; using "${fallback}"`);
    return fallback;
  };

  const bool = (key: SettingKey, fallback: boolean): boolean => {
    const value = raw[key];
    if (value === undefined || value === null) {
      return fallback;
    }
    if (typeof value === "boolean") {
      return value;
    }
    problems.push(`leaf-lsp.${key} must be true or false; using ${fallback}`);
    return fallback;
  };

  // The server applies the same bounds (server/leaf_lsp/probe_limits.py).
  const bounded = (key: SettingKey, fallback: number, min: number, max: number): number => {
    const value = raw[key];
    if (value === undefined || value === null) {
      return fallback;
    }
    if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) {
      return value;
    }
    problems.push(`leaf-lsp.${key} must be a number from ${min} to ${max}; using ${fallback}`);
    return fallback;
  };

  const severity: Record<string, Severity> = {};
  const rawSeverity = raw["severity"];
  if (rawSeverity !== undefined && rawSeverity !== null) {
    if (typeof rawSeverity === "object" && !Array.isArray(rawSeverity)) {
      for (const [code, level] of Object.entries(rawSeverity as Record<string, unknown>)) {
        if (typeof level === "string" && ["error", "warning", "information"].includes(level.toLowerCase())) {
          severity[code.trim().toUpperCase()] = level.toLowerCase() as Severity;
        } else {
          problems.push(`leaf-lsp.severity: ignoring ${code} = ${JSON.stringify(level)} (use error, warning or information)`);
        }
      }
    } else {
      problems.push("leaf-lsp.severity must be an object of code: severity; using none");
    }
  }

  let interpreter: string[] = [];
  const rawInterpreter = raw["interpreter"];
  if (typeof rawInterpreter === "string") {
    interpreter = rawInterpreter.trim() ? [rawInterpreter.trim()] : [];
  } else if (Array.isArray(rawInterpreter) && rawInterpreter.every((v) => typeof v === "string")) {
    interpreter = (rawInterpreter as string[]).filter((v) => v.trim().length > 0);
  } else if (rawInterpreter !== undefined && rawInterpreter !== null) {
    problems.push("leaf-lsp.interpreter must be a path or a list of strings; ignoring it");
  }
  interpreter = interpreter.map((part) => substituteVariables(part, ctx));

  const rawProbeInterpreter = raw["probe.interpreter"];
  let probeInterpreter = "";
  if (typeof rawProbeInterpreter === "string") {
    probeInterpreter = rawProbeInterpreter.trim() ? substituteVariables(rawProbeInterpreter.trim(), ctx) : "";
  } else if (rawProbeInterpreter !== undefined && rawProbeInterpreter !== null) {
    problems.push("leaf-lsp.probe.interpreter must be a path; ignoring it");
  }

  const settings: ClientSettings = {
    enable: bool("enable", d.enable),
    interpreter,
    importStrategy: oneOf("importStrategy", ["useBundled", "fromEnvironment"] as const, d.importStrategy),
    trace: oneOf("trace.server", ["off", "messages", "verbose"] as const, d.trace),
    server: {
      select: codes("select", d.server.select),
      ignore: codes("ignore", d.server.ignore),
      severity,
      inlayHints: {
        enabled: bool("inlayHints.enabled", d.server.inlayHints.enabled),
        verbosity: oneOf("inlayHints.verbosity", ["minimal", "normal", "verbose"] as const, d.server.inlayHints.verbosity),
        showUnknown: bool("inlayHints.showUnknown", d.server.inlayHints.showUnknown),
        repeated: bool("inlayHints.repeated", d.server.inlayHints.repeated),
      },
      lint: { run: oneOf("lint.run", ["onType", "onSave"] as const, d.server.lint.run) },
      probe: {
        interpreter: probeInterpreter,
        timeout: bounded("probe.timeout", d.server.probe.timeout, 1, 3600),
        device: oneOf("probe.device", ["cpu", "auto"] as const, d.server.probe.device),
        // Whole MiB: the server refuses fractions.
        memoryMb: Math.floor(bounded("probe.memoryMb", d.server.probe.memoryMb, 64, 1048576)),
        scope: oneOf("probe.scope", ["workspace", "any"] as const, d.server.probe.scope),
      },
      trusted,
      maxFileSizeKb: Math.floor(bounded("maxFileSizeKb", d.server.maxFileSizeKb, 1, 2 ** 30)),
    },
  };
  return { settings, problems };
}

/**
 * Whether going from `before` to `after` needs a new server process (the launch changed),
 * as opposed to a `workspace/didChangeConfiguration` to the running one. `trace` needs
 * neither: vscode-languageclient follows `leaf-lsp.trace.server` itself.
 */
export function needsRestart(before: ClientSettings, after: ClientSettings): boolean {
  return (
    JSON.stringify(before.interpreter) !== JSON.stringify(after.interpreter) ||
    before.importStrategy !== after.importStrategy
  );
}
