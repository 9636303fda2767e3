/**
 * The extension's log (a LogOutputChannel, also used by the language client for the
 * server's stderr and traces) and user notifications that are shown once per distinct
 * failure instead of once per retry.
 */

import * as vscode from "vscode";
import { OnceGate } from "../pure/once";

let channel: vscode.LogOutputChannel | undefined;
const gate = new OnceGate();

export function getLog(): vscode.LogOutputChannel {
  if (channel === undefined) {
    channel = vscode.window.createOutputChannel("leaf-lsp", { log: true });
  }
  return channel;
}

/** Show an error notification with actions, unless the same message was shown since the last reset. */
export async function showErrorOnce(message: string, ...actions: string[]): Promise<string | undefined> {
  getLog().error(message);
  if (!gate.shouldShow(message)) {
    return undefined;
  }
  return vscode.window.showErrorMessage(message, ...actions);
}

/** Show a warning once per distinct message (e.g. an invalid setting). */
export async function showWarningOnce(message: string): Promise<void> {
  getLog().warn(message);
  if (gate.shouldShow(message)) {
    await vscode.window.showWarningMessage(message);
  }
}

/** Allow every message to be shown again (after a successful start). */
export function resetShownErrors(): void {
  gate.reset();
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
