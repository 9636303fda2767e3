import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULTS, SETTING_KEYS } from "../src/pure/settings";

// Compiled to out/test/, so the manifest is two levels up.
const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
const properties: Record<string, { default?: unknown; description?: string; markdownDescription?: string }> =
  manifest.contributes.configuration.properties;

function defaultFor(key: string): unknown {
  const flat: Record<string, unknown> = {
    enable: DEFAULTS.enable,
    "lint.run": DEFAULTS.server.lint.run,
    "inlayHints.repeated": DEFAULTS.server.inlayHints.repeated,
    select: DEFAULTS.server.select,
    ignore: DEFAULTS.server.ignore,
    severity: DEFAULTS.server.severity,
    "inlayHints.enabled": DEFAULTS.server.inlayHints.enabled,
    "inlayHints.verbosity": DEFAULTS.server.inlayHints.verbosity,
    "inlayHints.showUnknown": DEFAULTS.server.inlayHints.showUnknown,
    "probe.interpreter": DEFAULTS.server.probe.interpreter,
    "probe.timeout": DEFAULTS.server.probe.timeout,
    "probe.device": DEFAULTS.server.probe.device,
    "probe.memoryMb": DEFAULTS.server.probe.memoryMb,
    maxFileSizeKb: DEFAULTS.server.maxFileSizeKb,
    "probe.scope": DEFAULTS.server.probe.scope,
    interpreter: DEFAULTS.interpreter,
    importStrategy: DEFAULTS.importStrategy,
    "trace.server": DEFAULTS.trace,
  };
  return flat[key];
}

describe("package.json", () => {
  it("contributes every setting the client reads, described, with the same default", () => {
    for (const key of SETTING_KEYS) {
      const property = properties[`leaf-lsp.${key}`];
      assert.ok(property, `leaf-lsp.${key} is not contributed`);
      assert.ok(property.description || property.markdownDescription, `leaf-lsp.${key} has no description`);
      assert.deepEqual(property.default, defaultFor(key), `default of leaf-lsp.${key}`);
    }
    assert.deepEqual(
      Object.keys(properties).sort(),
      SETTING_KEYS.map((k) => `leaf-lsp.${k}`).sort(),
      "contributed settings the client never reads",
    );
  });

  it("contributes the commands with titles", () => {
    const commands: { command: string; title: string }[] = manifest.contributes.commands;
    const ids = commands.map((c) => c.command).sort();
    assert.deepEqual(ids, [
      "leaf-lsp.fixAll",
      "leaf-lsp.restart",
      "leaf-lsp.selectProbeInterpreter",
      "leaf-lsp.showGraph",
      "leaf-lsp.showLogs",
      "leaf-lsp.verifyFile",
      "leaf-lsp.verifyNotebook",
    ]);
    assert.ok(commands.every((c) => c.title.length > 0));
  });

  it("puts Verify Notebook with Torch on the Jupyter notebook toolbar", () => {
    const toolbar: { command: string; when: string }[] = manifest.contributes.menus["notebook/toolbar"];
    assert.deepEqual(
      toolbar.map((item) => [item.command, item.when]),
      [["leaf-lsp.verifyNotebook", "notebookType == jupyter-notebook"]],
    );
    assert.ok(manifest.activationEvents.includes("onNotebook:jupyter-notebook"));
  });

  it("activates on Python and supports untrusted workspaces in limited mode", () => {
    assert.ok(manifest.activationEvents.includes("onLanguage:python"));
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, "limited");
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes("leaf-lsp.interpreter"));
    assert.equal(manifest.main, "./dist/extension.js");
  });

  it("has an icon and a README screenshot that the package carries", () => {
    const root = path.join(__dirname, "..", "..");
    const ignore = readFileSync(path.join(root, ".vscodeignore"), "utf8").split("\n");
    assert.ok(existsSync(path.join(root, manifest.icon)), manifest.icon);
    assert.ok(ignore.includes(`!${manifest.icon}`));
    for (const match of readFileSync(path.join(root, "README.md"), "utf8").matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
      assert.ok(existsSync(path.join(root, match[1])), match[1]);
      assert.ok(ignore.includes(`!${match[1]}`), `${match[1]} is not packaged`);
    }
  });

  it("does not depend on the Python extension", () => {
    assert.equal((manifest.extensionDependencies ?? []).includes("ms-python.python"), false);
  });
});
