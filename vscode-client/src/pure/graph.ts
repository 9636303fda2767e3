/**
 * The autograd-graph webview's content, from the server's `leaf-lsp.graph` result
 * (`{"dot", "svg", "error"}`). The SVG is shown as an <img> data URI, never inlined, so
 * nothing inside it can run script; DOT (when there is no SVG) goes in an escaped <pre>.
 * Pure: no `vscode`.
 */

export interface GraphResult {
  dot: string;
  svg: string;
  error: string;
}

/** Coerce whatever the server answered into a GraphResult (missing fields are ""). */
export function parseGraphResult(value: unknown): GraphResult {
  const field = (name: string): string => {
    if (value !== null && typeof value === "object" && name in value) {
      const v = (value as Record<string, unknown>)[name];
      return typeof v === "string" ? v : "";
    }
    return "";
  };
  if (value === null || typeof value !== "object") {
    return { dot: "", svg: "", error: "the server returned no graph" };
  }
  return { dot: field("dot"), svg: field("svg"), error: field("error") };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** base64 of UTF-8 text, without Buffer typing leaking into callers. */
function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** The complete HTML document of the graph panel. */
export function buildGraphHtml(result: GraphResult, title: string, cspSource: string): string {
  const parts: string[] = [];
  if (result.error) {
    parts.push(`<p class="error" id="graph-error">${escapeHtml(result.error)}</p>`);
  }
  if (result.svg.trim()) {
    parts.push(
      `<div class="graph"><img id="graph-svg" alt="autograd graph" src="data:image/svg+xml;base64,${base64(result.svg)}"></div>`,
    );
  } else if (result.dot.trim()) {
    parts.push(
      `<p class="note">Graphviz is not available to draw the graph; its DOT source:</p>`,
      `<pre id="graph-dot">${escapeHtml(result.dot)}</pre>`,
    );
  } else if (!result.error) {
    parts.push(`<p class="note" id="graph-empty">No tensors with an autograd history in this file.</p>`);
  }
  if (result.svg.trim() && result.dot.trim()) {
    parts.push(`<details><summary>DOT source</summary><pre id="graph-dot">${escapeHtml(result.dot)}</pre></details>`);
  }
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'unsafe-inline'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); }
  .graph img { max-width: 100%; background: white; padding: 8px; border-radius: 4px; }
  pre { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; }
  .error { color: var(--vscode-errorForeground); }
  .note { opacity: 0.8; }
</style>
</head>
<body>
<h2>${escapeHtml(title)}</h2>
${parts.join("\n")}
</body>
</html>`;
}
