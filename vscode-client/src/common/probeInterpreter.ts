/**
 * The interpreter of Verify with Torch: shown outcomes of a run, and the picker that sets
 * `leaf-lsp.probe.interpreter` from the Python extension's interpreters or a typed path.
 */

import * as vscode from "vscode";
import { type ProbeSummary } from "../pure/probe";
import { getLog } from "./logging";
import { activeInterpreter, knownInterpreters } from "./python";

export const SELECT_PROBE_INTERPRETER = "leaf-lsp.selectProbeInterpreter";
const SETTING = "leaf-lsp.probe.interpreter";

/** Show what a Verify found; when torch is missing, offer to pick another interpreter. */
export function showProbeOutcome(summary: ProbeSummary): void {
  getLog().info(summary.message);
  if (summary.torchMissing) {
    void vscode.window
      .showErrorMessage(summary.message, "Select Interpreter", "Open Setting")
      .then((choice) => {
        if (choice === "Select Interpreter") {
          void vscode.commands.executeCommand(SELECT_PROBE_INTERPRETER);
        } else if (choice === "Open Setting") {
          void vscode.commands.executeCommand("workbench.action.openSettings", SETTING);
        }
      });
  } else if (summary.isError) {
    void vscode.window.showErrorMessage(summary.message, "Show Logs").then((choice) => {
      if (choice) {
        getLog().show();
      }
    });
  } else {
    void vscode.window.showInformationMessage(summary.message);
  }
}

/** Pick the probe's interpreter: the Python extension's ones, or a path typed in. */
export async function selectProbeInterpreter(): Promise<void> {
  const scope = vscode.workspace.workspaceFolders?.[0]?.uri;
  const active = (await activeInterpreter(scope))?.[0];
  const known = await knownInterpreters();
  const items: (vscode.QuickPickItem & { value?: string })[] = [];
  if (active) {
    items.push({ label: active, description: "the Python extension's selected interpreter", value: active });
  }
  for (const path of known) {
    if (path !== active) {
      items.push({ label: path, value: path });
    }
  }
  items.push({ label: "Enter interpreter path…", value: undefined });
  const picked = await vscode.window.showQuickPick(items, {
    title: "Python (with torch) for Verify with Torch",
    placeHolder: "The probe runs your file with this interpreter",
  });
  if (picked === undefined) {
    return;
  }
  let value = picked.value;
  if (value === undefined) {
    value = await vscode.window.showInputBox({ prompt: "Path of a Python interpreter that has torch installed" });
    if (!value) {
      return;
    }
  }
  // Workspace settings when there is a workspace: remote windows (SSH, code-server,
  // Codespaces) keep them on the machine the file runs on.
  const target = scope ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration().update(SETTING, value, target);
  getLog().info(`${SETTING} set to ${value}`);
}
