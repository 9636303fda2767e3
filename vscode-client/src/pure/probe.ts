/**
 * Summaries of the server's `leaf-lsp.probe` answers, and the refusal message for
 * untrusted workspaces. The probe's result shape is the server's; this reads the common
 * fields leniently and falls back to a generic line. Pure: no `vscode`.
 */

export const UNTRUSTED_PROBE_MESSAGE =
  "leaf-lsp: Verify with Torch and the autograd graph run this file's code, so they are disabled in an untrusted workspace. " +
  "Trust the workspace (Workspaces: Manage Workspace Trust) to use it; static hints and diagnostics keep working.";

export interface ProbeSummary {
  message: string;
  isError: boolean;
  /** The probe's interpreter has no torch: offer to pick another. */
  torchMissing?: boolean;
}

/** One line for a notification after the probe finished. */
export function summariseProbeResult(result: unknown, fileName: string): ProbeSummary {
  if (result === null || result === undefined) {
    return { message: `leaf-lsp: verified ${fileName} with torch.`, isError: false };
  }
  if (typeof result === "string") {
    return { message: `leaf-lsp: ${result}`, isError: false };
  }
  if (typeof result !== "object") {
    return { message: `leaf-lsp: verified ${fileName} with torch.`, isError: false };
  }
  const r = result as Record<string, unknown>;
  // The server's own outcome line ("12 hints verified, 0 contradicted; the run raised ...").
  if (typeof r.summary === "string" && r.summary.trim()) {
    return {
      message: `leaf-lsp: ${fileName}: ${r.summary.trim()}`,
      isError: r.is_error === true,
      torchMissing: r.torch_missing === true,
    };
  }
  const error = typeof r.error === "string" && r.error ? r.error : undefined;
  if (error) {
    return { message: `leaf-lsp: Verify with Torch failed for ${fileName}: ${error}`, isError: true };
  }
  for (const key of ["message"]) {
    const value = r[key];
    if (typeof value === "string" && value.trim()) {
      return { message: `leaf-lsp: ${value.trim()}`, isError: false };
    }
  }
  // The server's summary: {ok, error, device, torch, duration, facts, exception}.
  const details: string[] = [];
  if (typeof r.facts === "number") {
    details.push(`${r.facts} tensor fact${r.facts === 1 ? "" : "s"} checked`);
  }
  if (typeof r.torch === "string" && r.torch) {
    details.push(`torch ${r.torch}${typeof r.device === "string" && r.device ? ` on ${r.device}` : ""}`);
  }
  if (typeof r.duration === "number" && Number.isFinite(r.duration)) {
    details.push(`${r.duration.toFixed(1)} s`);
  }
  const exception = r.exception;
  let raised = "";
  if (exception !== null && typeof exception === "object") {
    const e = exception as Record<string, unknown>;
    const type = typeof e.type === "string" ? e.type : "an exception";
    // In a notebook the server gives the cell (1-based, as Jupyter numbers them) and its line.
    const cell = typeof e.cell === "number" ? ` of cell ${e.cell}` : "";
    const line = typeof e.line === "number" ? ` at line ${e.line}${cell}` : "";
    raised = ` The run raised ${type}${line}.`;
  }
  if (details.length > 0 || raised) {
    return {
      message: `leaf-lsp: verified ${fileName} with torch${details.length ? ` (${details.join(", ")})` : ""}.${raised}`,
      isError: false,
    };
  }
  return { message: `leaf-lsp: verified ${fileName} with torch.`, isError: false };
}
