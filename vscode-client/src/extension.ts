/**
 * leaf-lsp for VS Code: wires the language client (common/server), the status bar, the
 * commands and the restart triggers together. Decisions live in src/pure (unit-tested)
 * and src/common; this file only orchestrates.
 */

import * as vscode from "vscode";
import { Coalescer } from "./pure/coalesce";
import { parseGraphResult } from "./pure/graph";
import { summariseProbeResult } from "./pure/probe";
import { needsRestart } from "./pure/settings";
import { showGraphPanel } from "./common/graphPanel";
import { disposeLog, getLog, showWarningOnce } from "./common/logging";
import { SELECT_PROBE_INTERPRETER, selectProbeInterpreter, showProbeOutcome } from "./common/probeInterpreter";
import { onInterpreterChanged } from "./common/python";
import { GRAPH_COMMAND, PROBE_COMMAND, readSettings, ServerManager, showUntrustedRefusal } from "./common/server";
import { StatusBar } from "./common/statusBar";

const RESTART_DELAY_MS = 500;
let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = getLog();
  log.info(`leaf-lsp ${context.extension.packageJSON.version as string} activating`);
  const status = new StatusBar(readSettings(undefined).settings.importStrategy);
  const server = new ServerManager(context.extensionPath, (state, detail) => status.update(state, detail));
  manager = server;
  const restarts = new Coalescer((reasons) => server.restart(reasons), RESTART_DELAY_MS, {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  });
  context.subscriptions.push(status, server, { dispose: () => restarts.dispose() }, { dispose: disposeLog });

  context.subscriptions.push(
    vscode.commands.registerCommand("leaf-lsp.restart", () => {
      server.resetCrashes();
      restarts.request("leaf-lsp: Restart Server");
    }),
    vscode.commands.registerCommand("leaf-lsp.showLogs", () => log.show()),
    vscode.commands.registerCommand("leaf-lsp.verifyFile", () => verifyFile(server)),
    vscode.commands.registerCommand("leaf-lsp.verifyNotebook", () => verifyNotebook(server)),
    vscode.commands.registerCommand("leaf-lsp.showGraph", () => showGraph(server)),
    vscode.commands.registerCommand("leaf-lsp.fixAll", () => fixAll()),
    vscode.commands.registerCommand(SELECT_PROBE_INTERPRETER, () => selectProbeInterpreter()),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration("leaf-lsp")) {
        return;
      }
      const { settings: next, problems } = readSettings(vscode.workspace.workspaceFolders?.[0]?.uri);
      for (const problem of problems) {
        void showWarningOnce(problem);
      }
      status.setImportStrategy(next.importStrategy);
      if (event.affectsConfiguration("leaf-lsp.enable")) {
        if (next.enable) {
          restarts.request("leaf-lsp.enable turned on");
        } else {
          void server.stop().then(() => status.update("disabled", {}));
        }
        return;
      }
      if (!next.enable) {
        return;
      }
      const launched = server.launchedSettings;
      // Other changes reach the server without a restart: it registered for
      // workspace/didChangeConfiguration and pulls the section, which the client's
      // configuration middleware answers with the resolved settings.
      if (launched === undefined || needsRestart(launched, next)) {
        restarts.request("leaf-lsp settings changed");
      }
    }),
    // Trust changes what the server may do (the probe) and which settings apply
    // (restrictedConfigurations): a fresh start is simplest and rare.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restarts.request("workspace trusted")),
  );

  const pythonListener = await onInterpreterChanged(() => {
    const current = readSettings(vscode.workspace.workspaceFolders?.[0]?.uri).settings;
    if (current.enable && current.interpreter.length === 0) {
      restarts.request("the Python extension's interpreter changed");
    }
  });
  if (pythonListener !== undefined) {
    context.subscriptions.push(pythonListener);
  }

  if (!readSettings(vscode.workspace.workspaceFolders?.[0]?.uri).settings.enable) {
    log.info("leaf-lsp.enable is false: the server is not started");
    status.update("disabled", {});
    return;
  }
  await server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}

function activePythonDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined || document.languageId !== "python") {
    void vscode.window.showWarningMessage("leaf-lsp: open a Python file first.");
    return undefined;
  }
  return document;
}

async function verifyFile(server: ServerManager): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    showUntrustedRefusal();
    return;
  }
  const document = activePythonDocument();
  if (document === undefined) {
    return;
  }
  // A notebook cell: the server runs the cell's whole notebook.
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  const shown = notebook?.getCells().some((cell) => cell.document === document) ? notebook.uri : document.uri;
  await verify(server, document.uri, vscode.workspace.asRelativePath(shown));
}

/** The notebook toolbar's "Verify Notebook with Torch": run every code cell in order. */
async function verifyNotebook(server: ServerManager): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    showUntrustedRefusal();
    return;
  }
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (notebook === undefined) {
    void vscode.window.showWarningMessage("leaf-lsp: open a Jupyter notebook first.");
    return;
  }
  await verify(server, notebook.uri, vscode.workspace.asRelativePath(notebook.uri));
}

async function verify(server: ServerManager, target: vscode.Uri, fileName: string): Promise<void> {
  try {
    const result = await server.whileProbing(async () =>
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `leaf-lsp: verifying ${fileName} with torch…`,
          cancellable: true,
        },
        (_progress, token) => server.executeCommand(PROBE_COMMAND, [target.toString()], token),
      ),
    );
    showProbeOutcome(summariseProbeResult(result, fileName));
  } catch (error) {
    const message = `leaf-lsp: Verify with Torch failed for ${fileName}: ${error instanceof Error ? error.message : String(error)}`;
    getLog().error(message);
    void vscode.window.showErrorMessage(message);
  }
}

/** "Fix all autograd problems": the server's `source.fixAll.leaf-lsp` action on this file. */
async function fixAll(): Promise<void> {
  if (activePythonDocument() === undefined) {
    return;
  }
  await vscode.commands.executeCommand("editor.action.codeAction", { kind: "source.fixAll.leaf-lsp", apply: "first" });
}

async function showGraph(server: ServerManager): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    showUntrustedRefusal();
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const document = activePythonDocument();
  if (editor === undefined || document === undefined) {
    return;
  }
  // The identifier under the cursor (or the selection) narrows the graph to that tensor.
  const range = editor.selection.isEmpty
    ? document.getWordRangeAtPosition(editor.selection.active, /[A-Za-z_][A-Za-z0-9_]*/)
    : editor.selection;
  const word = range ? document.getText(range).trim() : "";
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(word) ? word : undefined;
  try {
    let result = parseGraphResult(
      await server.executeCommand(GRAPH_COMMAND, name ? [document.uri.toString(), name] : [document.uri.toString()]),
    );
    let shownName = name;
    if (name && result.error && !result.svg && !result.dot) {
      // The word under the cursor is not a tensor: show the whole file instead.
      getLog().info(`Graph for ${name}: ${result.error}; showing the whole file`);
      result = parseGraphResult(await server.executeCommand(GRAPH_COMMAND, [document.uri.toString()]));
      shownName = undefined;
    }
    await showGraphPanel(result, document, shownName);
  } catch (error) {
    const message = `leaf-lsp: could not build the autograd graph: ${error instanceof Error ? error.message : String(error)}`;
    getLog().error(message);
    void vscode.window.showErrorMessage(message);
  }
}
