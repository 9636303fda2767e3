import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chooseInterpreter,
  interpreterProblem,
  parsePreflight,
  PREFLIGHT_SCRIPT,
  versionAtLeast,
} from "../src/pure/interpreter";

describe("chooseInterpreter", () => {
  it("prefers the setting over the Python extension", () => {
    assert.deepEqual(chooseInterpreter(["/s/python"], ["/ext/python"], "linux"), { command: ["/s/python"], source: "setting" });
  });
  it("uses the Python extension when the setting is empty", () => {
    assert.deepEqual(chooseInterpreter([], ["/ext/python"], "linux"), { command: ["/ext/python"], source: "python-extension" });
  });
  it("falls back to python3, or python on Windows", () => {
    assert.deepEqual(chooseInterpreter([], undefined, "linux"), { command: ["python3"], source: "default" });
    assert.deepEqual(chooseInterpreter([], [""], "darwin"), { command: ["python3"], source: "default" });
    assert.deepEqual(chooseInterpreter([], [], "win32"), { command: ["python"], source: "default" });
  });
  it("returns a copy the caller may change", () => {
    const setting = ["/s/python"];
    chooseInterpreter(setting, undefined, "linux").command.push("-X");
    assert.deepEqual(setting, ["/s/python"]);
  });
});

describe("parsePreflight", () => {
  it("reads the version and the leaf_lsp location", () => {
    const p = parsePreflight("python 3.11.2\nleaf_lsp 0.1.0 /ext/bundled/libs/leaf_lsp/__init__.py\n");
    assert.deepEqual(p.version, [3, 11, 2]);
    assert.deepEqual(p.leafLsp, { version: "0.1.0", file: "/ext/bundled/libs/leaf_lsp/__init__.py" });
    assert.equal(p.leafLspError, undefined);
  });
  it("reads a missing leaf_lsp and ignores noise", () => {
    const p = parsePreflight("Welcome!\r\npython 3.10.0\r\nleaf_lsp-missing ModuleNotFoundError: No module named 'leaf_lsp'\r\n");
    assert.deepEqual(p.version, [3, 10, 0]);
    assert.equal(p.leafLsp, undefined);
    assert.equal(p.leafLspError, "ModuleNotFoundError: No module named 'leaf_lsp'");
  });
  it("returns nothing for empty output", () => {
    assert.deepEqual(parsePreflight(""), {});
  });
});

describe("versionAtLeast", () => {
  it("compares component-wise", () => {
    assert.equal(versionAtLeast([3, 10, 0]), true);
    assert.equal(versionAtLeast([3, 9, 18]), false);
    assert.equal(versionAtLeast([4, 0, 0]), true);
    assert.equal(versionAtLeast([2, 7, 18]), false);
    assert.equal(versionAtLeast([3, 12]), true);
  });
});

describe("interpreterProblem", () => {
  const setting = { command: ["/opt/py/bin/python"], source: "setting" as const };
  const fallback = { command: ["python3"], source: "default" as const };
  const ok = { stdout: "python 3.11.4\nleaf_lsp 0.1.0 /x/leaf_lsp/__init__.py\n", stderr: "" };

  it("accepts a 3.10+ interpreter where leaf_lsp imports", () => {
    assert.equal(interpreterProblem(setting, ok, "useBundled"), undefined);
  });
  it("explains a missing interpreter and names the fix", () => {
    const message = interpreterProblem(fallback, { stdout: "", stderr: "", spawnError: "spawn python3 ENOENT" }, "useBundled");
    assert.ok(message !== undefined);
    assert.match(message, /python3/);
    assert.match(message, /ENOENT/);
    assert.match(message, /Set "leaf-lsp\.interpreter"/);
  });
  it("rejects Python older than 3.10 with its version", () => {
    const message = interpreterProblem(setting, { stdout: "python 3.8.10\nleaf_lsp-missing SyntaxError: x\n", stderr: "" }, "useBundled");
    assert.ok(message !== undefined);
    assert.match(message, /3\.10 or newer/);
    assert.match(message, /3\.8\.10/);
    assert.match(message, /leaf-lsp\.interpreter/);
  });
  it("tells fromEnvironment users to pip install leaf-lsp", () => {
    const message = interpreterProblem(setting, { stdout: "python 3.12.1\nleaf_lsp-missing ModuleNotFoundError: No module named 'leaf_lsp'\n", stderr: "" }, "fromEnvironment");
    assert.ok(message !== undefined);
    assert.match(message, /pip install leaf-lsp/);
    assert.match(message, /useBundled/);
  });
  it("reports a broken bundle differently from a missing install", () => {
    const message = interpreterProblem(setting, { stdout: "python 3.12.1\nleaf_lsp-missing ImportError: boom\n", stderr: "" }, "useBundled");
    assert.ok(message !== undefined);
    assert.match(message, /bundled/);
    assert.match(message, /ImportError: boom/);
  });
  it("uses the last stderr line when the interpreter crashes", () => {
    const message = interpreterProblem(setting, { stdout: "", stderr: "Traceback...\nOSError: bad\n", spawnError: undefined }, "useBundled");
    assert.ok(message !== undefined);
    assert.match(message, /OSError: bad/);
  });
});

describe("PREFLIGHT_SCRIPT", () => {
  it("prints what parsePreflight reads, with a real interpreter", function () {
    const run = spawnSync("python3", ["-c", PREFLIGHT_SCRIPT], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    if (run.error) {
      this.skip();
    }
    const parsed = parsePreflight(run.stdout);
    assert.ok(parsed.version !== undefined, run.stdout + run.stderr);
    assert.ok(parsed.leafLsp !== undefined || parsed.leafLspError !== undefined, run.stdout);
  });
});
