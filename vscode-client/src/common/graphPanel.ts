/** The "Autograd graph" webview panel: one panel, reused, showing the server's SVG (or DOT). */

import * as path from "path";
import * as vscode from "vscode";
import { buildGraphHtml, type GraphResult } from "../pure/graph";

let panel: vscode.WebviewPanel | undefined;

export function showGraphPanel(result: GraphResult, document: vscode.TextDocument, name: string | undefined): void {
  const title = `Autograd graph: ${name ? `${name} in ` : ""}${path.basename(document.uri.fsPath || document.uri.path)}`;
  if (panel === undefined) {
    panel = vscode.window.createWebviewPanel("leaf-lsp.graph", title, vscode.ViewColumn.Beside, {
      enableScripts: false,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    panel.onDidDispose(() => {
      panel = undefined;
    });
  } else {
    panel.title = title;
    panel.reveal(vscode.ViewColumn.Beside, false);
  }
  panel.webview.html = buildGraphHtml(result, title, panel.webview.cspSource);
}
