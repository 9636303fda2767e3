/**
 * The autograd-graph webview's content, from the server's `leaf-lsp.graph` result
 * (`{"dot", "svg", "error"}`). The SVG is shown as an <img> data URI, never inlined, so
 * nothing inside it can run script; the page's own script (zoom and pan) runs under a nonce.
 * When the server sent only DOT (no Graphviz there), the extension draws it itself
 * (`withSvg`); raw DOT is only ever offered collapsed, as the source.
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

/** ``result`` with its DOT drawn as SVG by ``render`` when the server sent none. */
export async function withSvg(result: GraphResult, render: (dot: string) => Promise<string>): Promise<GraphResult> {
  if (result.svg.trim() || !result.dot.trim()) {
    return result;
  }
  try {
    return { ...result, svg: await render(result.dot) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ...result, error: result.error || `the graph could not be drawn: ${why}` };
  }
}

/** Wheel to zoom at the pointer, drag to pan, buttons to fit or show at 100 %. */
const ZOOM_SCRIPT = `
const view = document.getElementById("viewport");
const img = document.getElementById("graph-svg");
let scale = 1, x = 0, y = 0, drag = null;
function apply() { img.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")"; }
function fit() {
  const w = img.naturalWidth || img.width, h = img.naturalHeight || img.height;
  scale = Math.min(1, view.clientWidth / w, view.clientHeight / h); x = (view.clientWidth - w * scale) / 2; y = 0; apply();
}
function actual() {
  // Labels stay legible: a big graph opens at 100 % at its top, to be panned.
  scale = 1; x = Math.max(0, (view.clientWidth - (img.naturalWidth || img.width)) / 2); y = 0; apply();
}
function zoom(factor, cx, cy) {
  const next = Math.min(8, Math.max(0.05, scale * factor));
  x = cx - (cx - x) * (next / scale); y = cy - (cy - y) * (next / scale); scale = next; apply();
}
view.addEventListener("wheel", (e) => {
  e.preventDefault();
  const r = view.getBoundingClientRect();
  zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
}, { passive: false });
view.addEventListener("pointerdown", (e) => { drag = { px: e.clientX, py: e.clientY, x, y }; view.setPointerCapture(e.pointerId); });
view.addEventListener("pointermove", (e) => { if (drag) { x = drag.x + e.clientX - drag.px; y = drag.y + e.clientY - drag.py; apply(); } });
view.addEventListener("pointerup", () => { drag = null; });
document.getElementById("zoom-in").addEventListener("click", () => zoom(1.25, view.clientWidth / 2, view.clientHeight / 2));
document.getElementById("zoom-out").addEventListener("click", () => zoom(0.8, view.clientWidth / 2, view.clientHeight / 2));
document.getElementById("zoom-fit").addEventListener("click", fit);
document.getElementById("zoom-actual").addEventListener("click", actual);
if (img.complete) { actual(); } else { img.addEventListener("load", actual); }
`;

/** The complete HTML document of the graph panel. ``nonce`` lets the zoom script run. */
export function buildGraphHtml(result: GraphResult, title: string, cspSource: string, nonce = ""): string {
  const parts: string[] = [];
  if (result.error) {
    parts.push(`<p class="error" id="graph-error">${escapeHtml(result.error)}</p>`);
  }
  const drawn = result.svg.trim().length > 0;
  if (drawn) {
    parts.push(
      `<div class="toolbar"><button id="zoom-in" title="Zoom in">+</button><button id="zoom-out" title="Zoom out">−</button>` +
        `<button id="zoom-fit" title="Fit the whole graph">Fit</button><button id="zoom-actual" title="Labels at full size">100 %</button>` +
        `<span class="note">wheel: zoom · drag: pan</span></div>`,
      `<div class="graph" id="viewport"><img id="graph-svg" alt="autograd graph" draggable="false" src="data:image/svg+xml;base64,${base64(result.svg)}"></div>`,
    );
  } else if (result.dot.trim()) {
    parts.push(`<p class="note">The graph could not be drawn.</p>`);
  } else if (!result.error) {
    parts.push(`<p class="note" id="graph-empty">No tensors with an autograd history in this file.</p>`);
  }
  if (result.dot.trim()) {
    parts.push(`<details><summary>DOT source</summary><pre id="graph-dot">${escapeHtml(result.dot)}</pre></details>`);
  }
  const script = drawn && nonce ? `<script nonce="${escapeHtml(nonce)}">${ZOOM_SCRIPT}</script>` : "";
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'unsafe-inline'`,
    ...(script ? [`script-src 'nonce-${nonce}'`] : []),
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
  .graph { position: relative; overflow: hidden; height: calc(100vh - 140px); min-height: 240px; cursor: grab; border: 1px solid var(--vscode-panel-border); }
  .graph img { position: absolute; left: 0; top: 0; transform-origin: 0 0; background: white; padding: 8px; border-radius: 4px; user-select: none; }
  .toolbar { margin: 4px 0 8px; display: flex; gap: 6px; align-items: center; }
  .toolbar button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 2px 10px; cursor: pointer; }
  pre { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; }
  .error { color: var(--vscode-errorForeground); }
  .note { opacity: 0.8; }
</style>
</head>
<body>
<h2>${escapeHtml(title)}</h2>
${parts.join("\n")}
${script}
</body>
</html>`;
}
