/**
 * DOT -> SVG in the extension itself, with the WebAssembly build of Graphviz (@viz-js/viz),
 * so the autograd graph is drawn when the `dot` program is not installed. Pure: no `vscode`.
 */

import { instance, type Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/** The SVG of a DOT graph; throws with Graphviz's message when the DOT is invalid. */
export async function dotToSvg(dot: string): Promise<string> {
  // The wasm module is compiled once, on the first graph (tens of ms), then reused.
  viz ??= instance();
  return (await viz).renderString(dot, { format: "svg", engine: "dot" });
}
