/**
 * The language server's lifecycle: choose and check the interpreter, launch
 * `python -m leaf_lsp` (bundled or from the environment), answer the server's
 * `workspace/configuration` with the resolved "leaf-lsp" section, push setting changes,
 * and restart on demand. Crashes restart the server a few times, then stop with one
 * notification.
 */

import { execFile } from "child_process";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";
import { chooseInterpreter, type InterpreterChoice, interpreterProblem, parsePreflight, PREFLIGHT_SCRIPT } from "../pure/interpreter";
import { buildLaunch, buildPreflight, type LaunchInput } from "../pure/launch";
import { CrashCounter } from "../pure/once";
import { summariseProbeResult, UNTRUSTED_PROBE_MESSAGE } from "../pure/probe";
import { type ClientSettings, resolveSettings, SETTING_KEYS, type ServerSettings } from "../pure/settings";
import type { ClientState } from "../pure/status";
import { getLog, resetShownErrors, showErrorOnce } from "./logging";
import { showProbeOutcome } from "./probeInterpreter";
import { activeInterpreter } from "./python";

export const CLIENT_ID = "leaf-lsp";
export const PROBE_COMMAND = "leaf-lsp.probe";
export const GRAPH_COMMAND = "leaf-lsp.graph";
const PREFLIGHT_TIMEOUT_MS = 20_000;
const ANALYSIS_IDLE_MS = 5_000;

/**
 * Documents the server analyses: Python files, untitled buffers, and the Python cells of
 * Jupyter notebooks (synced as notebooks, so the server analyses a notebook's cells together).
 */
const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
  { notebook: "jupyter-notebook", language: "python" },
];

export interface StateListener {
  (state: ClientState, detail: { message?: string; interpreter?: string; serverVersion?: string }): void;
}

/** Read the `leaf-lsp` section for `scope` and resolve it. */
export function readSettings(scope: vscode.ConfigurationScope | undefined): { settings: ClientSettings; problems: string[] } {
  const config = vscode.workspace.getConfiguration("leaf-lsp", scope);
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    raw[key] = config.get(key);
  }
  const folder =
    scope instanceof vscode.Uri ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
  return resolveSettings(
    raw,
    { workspaceFolder: folder?.uri.fsPath, home: os.homedir(), env: process.env },
    vscode.workspace.isTrusted,
  );
}

/**
 * The server section with the probe's interpreter filled in: the setting, else the Python
 * extension's selected interpreter (the one that has the project's torch, also in remote
 * windows, where it is the remote machine's), else "" (the server's own Python).
 */
export async function serverSettingsFor(scope: vscode.Uri | undefined): Promise<ServerSettings> {
  const server = readSettings(scope).settings.server;
  if (server.probe.interpreter) {
    return server;
  }
  const fromExtension = (await activeInterpreter(scope))?.[0];
  return fromExtension ? { ...server, probe: { ...server.probe, interpreter: fromExtension } } : server;
}

function firstScope(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

function runPreflight(input: LaunchInput): Promise<{ stdout: string; stderr: string; spawnError?: string }> {
  const launch = buildPreflight(input, PREFLIGHT_SCRIPT);
  return new Promise((resolve) => {
    execFile(
      launch.command,
      launch.args,
      { env: launch.env, timeout: PREFLIGHT_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        resolve({ stdout: String(stdout), stderr: String(stderr), spawnError: error ? error.message : undefined });
      },
    );
  });
}

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private launched: ClientSettings | undefined;
  private readonly crashes = new CrashCounter(3, 3 * 60_000);
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private interpreterLabel: string | undefined;
  private serverVersion: string | undefined;
  private probing = 0;
  private failed = false;
  /** Whether the current client finished initialize (crashes after that are restarted). */
  private startedOnce = false;

  constructor(
    private readonly extensionPath: string,
    private readonly onState: StateListener,
  ) {}

  /** The settings the running server was launched with (undefined when not running). */
  get launchedSettings(): ClientSettings | undefined {
    return this.launched;
  }

  get running(): boolean {
    return this.client !== undefined && this.client.state === State.Running;
  }

  /** Start the server; failures are reported to the user (once) and leave it stopped. */
  async start(): Promise<void> {
    this.failed = false;
    this.emit("starting");
    const { settings, problems } = readSettings(firstScope());
    for (const problem of problems) {
      getLog().warn(problem);
    }
    const fromExtension = settings.interpreter.length === 0 ? await activeInterpreter(firstScope()) : undefined;
    const choice = chooseInterpreter(settings.interpreter, fromExtension, process.platform);
    const input: LaunchInput = {
      interpreter: choice.command,
      importStrategy: settings.importStrategy,
      bundledLibs: path.join(this.extensionPath, "bundled", "libs"),
      env: process.env,
      pathDelimiter: path.delimiter,
      module: process.env.LEAF_LSP_SERVER_MODULE || undefined,
    };
    getLog().info(`Interpreter: ${choice.command.join(" ")} (${choice.source}); import strategy: ${settings.importStrategy}`);
    const outcome = await runPreflight(input);
    const problem = interpreterProblem(choice, outcome, settings.importStrategy);
    if (problem !== undefined) {
      this.fail(problem, choice);
      return;
    }
    const preflight = parsePreflight(outcome.stdout);
    this.interpreterLabel = `${choice.command.join(" ")} (Python ${preflight.version?.join(".")})`;
    this.serverVersion = preflight.leafLsp?.version;
    getLog().info(`leaf_lsp ${preflight.leafLsp?.version} from ${preflight.leafLsp?.file}`);

    const launch = buildLaunch(input);
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      options: { env: launch.env, cwd: firstScope()?.fsPath },
    };
    const initial = await serverSettingsFor(firstScope());
    const client = new LanguageClient(CLIENT_ID, "leaf-lsp", serverOptions, this.clientOptions(initial));
    this.client = client;
    this.launched = settings;
    this.startedOnce = false;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.launched = undefined;
      // Release the failed client's resources (its process is already gone or going).
      void client.dispose().catch(() => undefined);
      this.fail(`leaf-lsp: the server did not start (${errorText(error)}). The logs show its output.`, choice);
      return;
    }
    this.startedOnce = true;
    resetShownErrors();
    const info = client.initializeResult?.serverInfo;
    if (info?.version) {
      this.serverVersion = info.version;
    }
    getLog().info(`Server started: ${launch.command} ${launch.args.join(" ")}`);
    this.emit("ready");
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.launched = undefined;
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    this.pending.clear();
    if (client !== undefined) {
      try {
        await client.stop(5_000);
      } catch (error) {
        getLog().warn(`Stopping the server: ${errorText(error)}`);
      }
    }
  }

  /** Forget earlier crashes (a restart the user asked for gets a fresh allowance). */
  resetCrashes(): void {
    this.crashes.reset();
  }

  async restart(reasons: string[]): Promise<void> {
    getLog().info(`Restarting the server (${reasons.join("; ") || "requested"})`);
    await this.stop();
    await this.start();
  }

  /** Run a server command (`workspace/executeCommand`). */
  async executeCommand(command: string, args: unknown[], token?: vscode.CancellationToken): Promise<unknown> {
    if (this.client === undefined || !this.running) {
      throw new Error("the leaf-lsp server is not running (see leaf-lsp: Show Logs)");
    }
    return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token);
  }

  /** Mark a probe as running while `work` runs (drives the status bar). */
  async whileProbing<T>(work: () => Promise<T>): Promise<T> {
    this.probing++;
    this.emit("probing");
    try {
      return await work();
    } finally {
      this.probing--;
      this.emitSteady();
    }
  }

  dispose(): void {
    void this.stop();
  }

  private clientOptions(initial: ServerSettings): LanguageClientOptions {
    const log = getLog();
    return {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: log,
      traceOutputChannel: log,
      // The extension shows Verify's outcome itself, with a button to pick the interpreter.
      initializationOptions: { ...initial, clientShowsProbeOutcome: true },
      initializationFailedHandler: (error) => {
        log.error(`Server initialization failed: ${errorText(error)}`);
        return false;
      },
      errorHandler: {
        error: (error, _message, count) => {
          log.error(`Connection error (${count ?? 1}): ${error.message}`);
          return { action: (count ?? 1) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
        },
        closed: () => {
          if (!this.startedOnce) {
            // Failed during initialize: start() reports it; retrying a deterministic
            // startup failure would only repeat the same notification.
            return { action: CloseAction.DoNotRestart, handled: true };
          }
          if (this.crashes.record(Date.now())) {
            log.warn(`The server stopped unexpectedly; restarting (crash ${this.crashes.count})`);
            this.emit("starting");
            // Restarted by us, not by the client: its own restart path reports each
            // failed attempt with a notification of its own.
            setTimeout(() => void this.restart(["the server stopped unexpectedly"]), 1_000);
            return { action: CloseAction.DoNotRestart, handled: true };
          }
          const message = `leaf-lsp: the server crashed ${this.crashes.count} times in a row and was not restarted. See the logs, fix the cause, then run "leaf-lsp: Restart Server".`;
          this.failed = true;
          this.emit("error", message);
          void this.notify(message);
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) {
              return answer;
            }
            return Promise.all(
              params.items.map(async (item, index) => {
                if (item.section !== "leaf-lsp") {
                  return answer[index];
                }
                const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : firstScope();
                return serverSettingsFor(scope);
              }),
            );
          },
        },
        // The server's own commands also run from its code lens: refuse the probe when
        // untrusted and drive the status bar for it, whichever way it was invoked.
        executeCommand: async (command, args, next) => {
          if (command !== PROBE_COMMAND && command !== GRAPH_COMMAND) {
            return next(command, args);
          }
          if (!vscode.workspace.isTrusted) {
            showUntrustedRefusal();
            return undefined;
          }
          const result = await this.whileProbing(async () => next(command, args));
          if (command === PROBE_COMMAND) {
            // The code lens runs the probe through here (the palette command shows its own).
            const uri = typeof args[0] === "string" ? vscode.Uri.parse(args[0]) : undefined;
            showProbeOutcome(summariseProbeResult(result, uri ? vscode.workspace.asRelativePath(uri) : "this file"));
          }
          return result;
        },
        didOpen: (document, next) => {
          this.markAnalysing(document.uri.toString());
          return next(document);
        },
        didChange: (event, next) => {
          this.markAnalysing(event.document.uri.toString());
          return next(event);
        },
        handleDiagnostics: (uri, diagnostics, next) => {
          this.markAnalysed(uri.toString());
          next(uri, diagnostics);
        },
        // VS Code pulls diagnostics when the server offers them (textDocument/diagnostic).
        provideDiagnostics: async (document, previousResultId, token, next) => {
          const report = await next(document, previousResultId, token);
          const uri = document instanceof vscode.Uri ? document : document.uri;
          if (!token.isCancellationRequested) {
            this.markAnalysed(uri.toString());
          }
          return report;
        },
        // The server answers inlay hints from the current analysis, so an answer also
        // means "analysed" (it may skip re-publishing unchanged diagnostics).
        provideInlayHints: async (document, range, token, next) => {
          const hints = await next(document, range, token);
          if (!token.isCancellationRequested) {
            this.markAnalysed(document.uri.toString());
          }
          return hints;
        },
      },
    };
  }

  private async notify(message: string): Promise<void> {
    const choice = await showErrorOnce(message, "Show Logs", "Restart Server");
    if (choice === "Show Logs") {
      getLog().show();
    } else if (choice === "Restart Server") {
      await vscode.commands.executeCommand("leaf-lsp.restart");
    }
  }

  private fail(message: string, choice: InterpreterChoice): void {
    this.failed = true;
    this.interpreterLabel = choice.command.join(" ");
    this.emit("error", message);
    void (async () => {
      const action = await showErrorOnce(message, "Set leaf-lsp.interpreter", "Show Logs");
      if (action === "Set leaf-lsp.interpreter") {
        await vscode.commands.executeCommand("workbench.action.openSettings", "leaf-lsp.interpreter");
      } else if (action === "Show Logs") {
        getLog().show();
      }
    })();
  }

  private markAnalysing(uri: string): void {
    const previous = this.pending.get(uri);
    if (previous !== undefined) {
      clearTimeout(previous);
    }
    // A server that publishes nothing for a document must not leave the spinner on forever.
    this.pending.set(
      uri,
      setTimeout(() => this.markAnalysed(uri), ANALYSIS_IDLE_MS),
    );
    this.emitSteady();
  }

  private markAnalysed(uri: string): void {
    const timer = this.pending.get(uri);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.pending.delete(uri);
    }
    this.emitSteady();
  }

  private emitSteady(): void {
    if (this.failed) {
      return;
    }
    if (this.probing > 0) {
      this.emit("probing");
    } else if (this.pending.size > 0) {
      this.emit("analysing");
    } else if (this.running) {
      this.emit("ready");
    }
  }

  private emit(state: ClientState, message?: string): void {
    this.onState(state, { message, interpreter: this.interpreterLabel, serverVersion: this.serverVersion });
  }
}

/** Tell the user why the probe does not run here, with the way to change it. */
export function showUntrustedRefusal(): void {
  getLog().warn("Verify with Torch refused: the workspace is not trusted");
  void vscode.window.showWarningMessage(UNTRUSTED_PROBE_MESSAGE, "Manage Workspace Trust").then((choice) => {
    if (choice) {
      void vscode.commands.executeCommand("workbench.trust.manage");
    }
  });
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
