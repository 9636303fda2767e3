/** The status bar item: renders `pure/status` views; a click opens the log. */

import * as vscode from "vscode";
import { type ClientState, statusView } from "../pure/status";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("leaf-lsp.status", vscode.StatusBarAlignment.Right, 100);

  constructor(private importStrategy: string) {
    this.item.name = "leaf-lsp";
    this.update("starting", {});
    this.item.show();
  }

  setImportStrategy(strategy: string): void {
    this.importStrategy = strategy;
  }

  update(state: ClientState, detail: { message?: string; interpreter?: string; serverVersion?: string }): void {
    const view = statusView({
      state,
      message: detail.message,
      interpreter: detail.interpreter,
      serverVersion: detail.serverVersion,
      importStrategy: this.importStrategy,
      trusted: vscode.workspace.isTrusted,
    });
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.isError ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.item.command = "leaf-lsp.showLogs";
  }

  dispose(): void {
    this.item.dispose();
  }
}
