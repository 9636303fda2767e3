import * as assert from "node:assert/strict";
import { DEFAULTS, needsRestart, resolveSettings, substituteVariables } from "../src/pure/settings";

const ctx = { workspaceFolder: "/ws/proj", home: "/home/u", env: { VENV: "/opt/venv" } };

describe("substituteVariables", () => {
  it("expands workspaceFolder, userHome, env and a leading ~", () => {
    assert.equal(substituteVariables("${workspaceFolder}/.venv/bin/python", ctx), "/ws/proj/.venv/bin/python");
    assert.equal(substituteVariables("${userHome}/py", ctx), "/home/u/py");
    assert.equal(substituteVariables("${env:VENV}/bin/python", ctx), "/opt/venv/bin/python");
    assert.equal(substituteVariables("~/bin/python3", ctx), "/home/u/bin/python3");
  });

  it("keeps a ~ that is not a home prefix and unknown variables", () => {
    assert.equal(substituteVariables("/a/~b", ctx), "/a/~b");
    assert.equal(substituteVariables("${unknown}/x", ctx), "${unknown}/x");
    assert.equal(substituteVariables("${env:MISSING}/x", ctx), "/x");
  });

  it("leaves ${workspaceFolder} visible when there is no folder", () => {
    assert.equal(substituteVariables("${workspaceFolder}/py", { home: "/h", env: {} }), "${workspaceFolder}/py");
  });
});

describe("resolveSettings", () => {
  it("gives the defaults for an empty configuration", () => {
    const { settings, problems } = resolveSettings({}, ctx, true);
    assert.deepEqual(settings, DEFAULTS);
    assert.deepEqual(problems, []);
  });

  it("builds the server section from valid values", () => {
    const { settings, problems } = resolveSettings(
      {
        select: ["leaf1", " LEAF201 "],
        ignore: ["LEAF102"],
        severity: { leaf102: "Error", LEAF3: "information" },
        "inlayHints.enabled": false,
        "inlayHints.verbosity": "verbose",
        "inlayHints.showUnknown": true,
        "inlayHints.repeated": true,
        "lint.run": "onSave",
        enable: false,
        "probe.interpreter": "${workspaceFolder}/.venv/bin/python",
        "probe.timeout": 5,
        "probe.device": "auto",
        "probe.memoryMb": 512,
        maxFileSizeKb: 20000,
        "probe.scope": "any",
        interpreter: ["${env:VENV}/bin/python"],
        importStrategy: "fromEnvironment",
        "trace.server": "verbose",
      },
      ctx,
      false,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.server, {
      select: ["LEAF1", "LEAF201"],
      ignore: ["LEAF102"],
      severity: { LEAF102: "error", LEAF3: "information" },
      inlayHints: { enabled: false, verbosity: "verbose", showUnknown: true, repeated: true },
      lint: { run: "onSave" },
      probe: { interpreter: "/ws/proj/.venv/bin/python", timeout: 5, device: "auto", memoryMb: 512, scope: "any" },
      trusted: false,
      maxFileSizeKb: 20000,
    });
    assert.equal(settings.enable, false);
    assert.deepEqual(settings.interpreter, ["/opt/venv/bin/python"]);
    assert.equal(settings.importStrategy, "fromEnvironment");
    assert.equal(settings.trace, "verbose");
  });

  it("refuses an unknown lint.run", () => {
    const { settings, problems } = resolveSettings({ "lint.run": "onIdle" }, ctx, true);
    assert.equal(settings.server.lint.run, "onType");
    assert.equal(problems.length, 1);
  });

  it("bounds the probe limits as the server does and defaults the scope to the workspace", () => {
    const { settings, problems } = resolveSettings(
      { "probe.timeout": Number.POSITIVE_INFINITY, "probe.memoryMb": 2 ** 62, "probe.scope": "everywhere" },
      ctx,
      true,
    );
    assert.equal(settings.server.probe.timeout, 30);
    assert.equal(settings.server.probe.memoryMb, 4096);
    assert.equal(settings.server.probe.scope, "workspace");
    for (const key of ["probe.timeout", "probe.memoryMb", "probe.scope"]) {
      assert.ok(problems.some((p) => p.includes(`leaf-lsp.${key}`)), `no problem reported for ${key}`);
    }
    assert.equal(resolveSettings({}, ctx, true).settings.server.probe.scope, "workspace");
  });

  it("sends workspace trust as an explicit boolean", () => {
    assert.equal(resolveSettings({}, ctx, true).settings.server.trusted, true);
    assert.equal(resolveSettings({}, ctx, false).settings.server.trusted, false);
  });

  it("accepts a single string where a list is expected", () => {
    const { settings } = resolveSettings({ select: "LEAF2", interpreter: "/usr/bin/python3" }, ctx, true);
    assert.deepEqual(settings.server.select, ["LEAF2"]);
    assert.deepEqual(settings.interpreter, ["/usr/bin/python3"]);
  });

  it("replaces each invalid value by its default and reports it", () => {
    const { settings, problems } = resolveSettings(
      {
        select: [1, 2],
        severity: { LEAF101: "fatal", LEAF2: "warning" },
        "inlayHints.enabled": "yes",
        "inlayHints.verbosity": "loud",
        "probe.timeout": -3,
        "probe.memoryMb": Number.NaN,
        maxFileSizeKb: 0,
        "probe.device": "tpu",
        interpreter: 42,
        importStrategy: "bundled",
      },
      ctx,
      true,
    );
    assert.deepEqual(settings.server.select, DEFAULTS.server.select);
    assert.deepEqual(settings.server.severity, { LEAF2: "warning" });
    assert.equal(settings.server.inlayHints.enabled, true);
    assert.equal(settings.server.inlayHints.verbosity, "normal");
    assert.equal(settings.server.probe.timeout, 30);
    assert.equal(settings.server.probe.memoryMb, 4096);
    assert.equal(settings.server.maxFileSizeKb, 5120);
    assert.equal(settings.server.probe.device, "cpu");
    assert.deepEqual(settings.interpreter, []);
    assert.equal(settings.importStrategy, "useBundled");
    for (const key of ["select", "severity", "inlayHints.enabled", "inlayHints.verbosity", "probe.timeout", "probe.memoryMb", "maxFileSizeKb", "probe.device", "interpreter", "importStrategy"]) {
      assert.ok(
        problems.some((p) => p.includes(`leaf-lsp.${key}`)),
        `no problem reported for ${key}: ${JSON.stringify(problems)}`,
      );
    }
  });

  it("does not throw on hostile input", () => {
    const weird = { severity: [1, 2], select: { a: 1 }, interpreter: [null], "probe.interpreter": 7 } as Record<string, unknown>;
    const { settings, problems } = resolveSettings(weird, { home: "/h", env: {} }, true);
    assert.deepEqual(settings.server.severity, {});
    assert.ok(problems.length >= 3);
  });

  it("drops empty interpreter parts", () => {
    const { settings } = resolveSettings({ interpreter: ["", "  "] }, ctx, true);
    assert.deepEqual(settings.interpreter, []);
  });
});

describe("needsRestart", () => {
  const base = resolveSettings({}, ctx, true).settings;
  it("restarts when the interpreter or import strategy changes", () => {
    assert.equal(needsRestart(base, resolveSettings({ interpreter: ["/x/python"] }, ctx, true).settings), true);
    assert.equal(needsRestart(base, resolveSettings({ importStrategy: "fromEnvironment" }, ctx, true).settings), true);
  });
  it("does not restart for server-side settings", () => {
    const changed = resolveSettings({ select: ["LEAF1"], "inlayHints.verbosity": "minimal", "probe.timeout": 3 }, ctx, true).settings;
    assert.equal(needsRestart(base, changed), false);
    assert.equal(needsRestart(base, resolveSettings({ "trace.server": "verbose" }, ctx, true).settings), false);
  });
});
