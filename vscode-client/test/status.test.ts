import * as assert from "node:assert/strict";
import { summariseProbeResult, UNTRUSTED_PROBE_MESSAGE } from "../src/pure/probe";
import { statusView } from "../src/pure/status";

describe("statusView", () => {
  it("spins while analysing and while the probe runs, with distinct icons", () => {
    const analysing = statusView({ state: "analysing", trusted: true });
    const probing = statusView({ state: "probing", trusted: true });
    assert.match(analysing.text, /~spin/);
    assert.match(probing.text, /~spin/);
    assert.notEqual(analysing.text, probing.text);
    assert.match(probing.tooltip, /probe running/);
  });
  it("shows errors with their message and the error colour", () => {
    const view = statusView({ state: "error", trusted: true, message: "Python 3.8 is too old" });
    assert.equal(view.isError, true);
    assert.match(view.tooltip, /Python 3\.8 is too old/);
    assert.match(view.tooltip, /logs/);
  });
  it("names the interpreter, server and trust state in the tooltip", () => {
    const view = statusView({
      state: "ready",
      trusted: false,
      interpreter: "/venv/bin/python (Python 3.11.2)",
      importStrategy: "useBundled",
      serverVersion: "0.1.0",
    });
    assert.equal(view.isError, false);
    assert.match(view.tooltip, /\/venv\/bin\/python \(Python 3\.11\.2\)/);
    assert.match(view.tooltip, /bundled \(0\.1\.0\)/);
    assert.match(view.tooltip, /Untrusted/);
  });
  it("says a click opens the logs in every state", () => {
    for (const state of ["starting", "ready", "analysing", "probing", "error", "stopped"] as const) {
      assert.match(statusView({ state, trusted: true }).tooltip, /Click to show the logs/);
    }
  });
  it("shows a disabled extension as stopped and says how to enable it", () => {
    const view = statusView({ state: "disabled", trusted: true });
    assert.match(view.text, /leaf-lsp/);
    assert.match(view.tooltip, /leaf-lsp\.enable/);
  });
});

describe("summariseProbeResult", () => {
  it("prefers the server's own summary", () => {
    const s = summariseProbeResult({ summary: "3 hints verified, 0 contradicted", is_error: false }, "a.py");
    assert.equal(s.message, "leaf-lsp: a.py: 3 hints verified, 0 contradicted");
    assert.equal(s.isError, false);
    assert.equal(s.torchMissing, false);
  });
  it("flags a missing torch so the interpreter can be picked", () => {
    const s = summariseProbeResult(
      { ok: false, summary: "torch is not installed in /usr/bin/python3.", is_error: true, torch_missing: true },
      "a.py",
    );
    assert.equal(s.isError, true);
    assert.equal(s.torchMissing, true);
    assert.match(s.message, /torch is not installed in \/usr\/bin\/python3/);
  });
  it("reports an error as an error", () => {
    const s = summariseProbeResult({ error: "torch is not installed" }, "a.py");
    assert.equal(s.isError, true);
    assert.match(s.message, /a\.py: torch is not installed/);
  });
  it("reads the server's summary fields", () => {
    const s = summariseProbeResult(
      { ok: true, error: null, device: "cpu", torch: "2.13.0", duration: 1.234, facts: 3, exception: null },
      "a.py",
    );
    assert.equal(s.isError, false);
    assert.equal(s.message, "leaf-lsp: verified a.py with torch (3 tensor facts checked, torch 2.13.0 on cpu, 1.2 s).");
  });
  it("mentions the exception the run raised", () => {
    const s = summariseProbeResult(
      { ok: true, error: null, facts: 1, exception: { type: "RuntimeError", message: "leaf", line: 5 } },
      "a.py",
    );
    assert.match(s.message, /1 tensor fact checked/);
    assert.match(s.message, /raised RuntimeError at line 5/);
  });
  it("handles empty and odd answers", () => {
    assert.match(summariseProbeResult(null, "a.py").message, /verified a\.py/);
    assert.match(summariseProbeResult(42, "a.py").message, /verified a\.py/);
    assert.match(summariseProbeResult({}, "a.py").message, /verified a\.py/);
  });
});

describe("UNTRUSTED_PROBE_MESSAGE", () => {
  it("says why and how to fix it", () => {
    assert.match(UNTRUSTED_PROBE_MESSAGE, /untrusted workspace/);
    assert.match(UNTRUSTED_PROBE_MESSAGE, /Trust/);
  });
});
