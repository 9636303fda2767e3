/** The "Autograd graph" webview panel: one panel, reused, showing the graph as SVG with zoom and pan. */

import { randomBytes } from "crypto";
import * as path from "path";
import * as vscode from "vscode";
import { dotToSvg } from "../pure/dot";
import { buildGraphHtml, type GraphResult, withSvg } from "../pure/graph";

let panel: vscode.WebviewPanel | undefined;

export async function showGraphPanel(
  serverResult: GraphResult,
  document: vscode.TextDocument,
  name: string | undefined,
): Promise<void> {
  // No Graphviz where the server runs: draw the DOT here, with the bundled wasm Graphviz.
  const result = await withSvg(serverResult, dotToSvg);
  const title = `Autograd graph: ${name ? `${name} in ` : ""}${path.basename(document.uri.fsPath || document.uri.path)}`;
  if (panel === undefined) {
    panel = vscode.window.createWebviewPanel("leaf-lsp.graph", title, vscode.ViewColumn.Beside, {
      // Only the page's own zoom/pan script runs (CSP nonce); the SVG is an <img>.
      enableScripts: true,
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
  panel.webview.html = buildGraphHtml(result, title, panel.webview.cspSource, randomBytes(16).toString("hex"));
}
