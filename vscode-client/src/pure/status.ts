/**
 * The status bar item's text and tooltip for each state of the client. Pure: the
 * extension maps `StatusView` onto a `vscode.StatusBarItem`.
 */

export type ClientState = "starting" | "ready" | "analysing" | "probing" | "error" | "stopped" | "disabled";

export interface StatusInput {
  state: ClientState;
  /** e.g. "/usr/bin/python3 (3.11.2)". */
  interpreter?: string;
  importStrategy?: string;
  serverVersion?: string;
  trusted: boolean;
  /** Shown with the error state. */
  message?: string;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** True: use the error background colour. */
  isError: boolean;
}

const LABELS: Record<ClientState, { icon: string; label: string }> = {
  starting: { icon: "$(loading~spin)", label: "starting" },
  ready: { icon: "$(check)", label: "ready" },
  analysing: { icon: "$(sync~spin)", label: "analysing" },
  probing: { icon: "$(beaker~spin)", label: "probe running" },
  error: { icon: "$(error)", label: "error" },
  stopped: { icon: "$(circle-slash)", label: "stopped" },
  disabled: { icon: "$(circle-slash)", label: "disabled (setting leaf-lsp.enable is false)" },
};

export function statusView(input: StatusInput): StatusView {
  const { icon, label } = LABELS[input.state];
  const lines = [`leaf-lsp: ${label}`];
  if (input.state === "error" && input.message) {
    lines.push(input.message);
  }
  if (input.interpreter) {
    lines.push(`Interpreter: ${input.interpreter}`);
  }
  if (input.importStrategy) {
    lines.push(`Server: ${input.importStrategy === "useBundled" ? "bundled" : "from the interpreter"}${input.serverVersion ? ` (${input.serverVersion})` : ""}`);
  }
  if (!input.trusted) {
    lines.push("Untrusted workspace: static analysis only, Verify with Torch is disabled");
  }
  // The log is what a click on a status item should show; Verify runs code, so it is a
  // command of its own, never a side effect of a click.
  lines.push("Click to show the logs");
  return {
    text: `${icon} leaf-lsp`,
    tooltip: lines.join("\n"),
    isError: input.state === "error",
  };
}
