import * as assert from "node:assert/strict";
import { buildLaunch, buildPreflight, serverEnv } from "../src/pure/launch";

const base = {
  interpreter: ["/venv/bin/python"],
  importStrategy: "useBundled" as const,
  bundledLibs: "/ext/bundled/libs",
  env: { PATH: "/usr/bin", PYTHONPATH: "/mine", UNSET: undefined },
  pathDelimiter: ":",
};

describe("buildLaunch", () => {
  it("runs `python -m leaf_lsp` with the bundle first on PYTHONPATH", () => {
    const launch = buildLaunch(base);
    assert.equal(launch.command, "/venv/bin/python");
    assert.deepEqual(launch.args, ["-m", "leaf_lsp"]);
    assert.equal(launch.env.PYTHONPATH, "/ext/bundled/libs:/mine");
    assert.equal(launch.env.PATH, "/usr/bin");
    assert.equal("UNSET" in launch.env, false);
  });
  it("sets PYTHONPATH to the bundle alone when none was set", () => {
    const launch = buildLaunch({ ...base, env: {}, pathDelimiter: ";" });
    assert.equal(launch.env.PYTHONPATH, "/ext/bundled/libs");
  });
  it("leaves PYTHONPATH alone for fromEnvironment", () => {
    assert.equal(buildLaunch({ ...base, importStrategy: "fromEnvironment" }).env.PYTHONPATH, "/mine");
    assert.equal(buildLaunch({ ...base, importStrategy: "fromEnvironment", env: {} }).env.PYTHONPATH, undefined);
  });
  it("keeps an interpreter's fixed arguments before -m", () => {
    const launch = buildLaunch({ ...base, interpreter: ["conda", "run", "-n", "torch", "python"] });
    assert.equal(launch.command, "conda");
    assert.deepEqual(launch.args, ["run", "-n", "torch", "python", "-m", "leaf_lsp"]);
  });
  it("honours a module override", () => {
    assert.deepEqual(buildLaunch({ ...base, module: "leaf_lsp.lsp" }).args, ["-m", "leaf_lsp.lsp"]);
  });
  it("forces unbuffered UTF-8 output", () => {
    const env = serverEnv(base);
    assert.equal(env.PYTHONUNBUFFERED, "1");
    assert.equal(env.PYTHONIOENCODING, "utf-8");
  });
  it("does not modify the input environment", () => {
    const env = { PYTHONPATH: "/mine" };
    buildLaunch({ ...base, env });
    assert.deepEqual(env, { PYTHONPATH: "/mine" });
  });
  it("refuses an empty interpreter", () => {
    assert.throws(() => buildLaunch({ ...base, interpreter: [] }));
  });
});

describe("buildPreflight", () => {
  it("runs the script with -c and the server's environment", () => {
    const launch = buildPreflight(base, "print(1)");
    assert.deepEqual(launch.args, ["-c", "print(1)"]);
    assert.equal(launch.env.PYTHONPATH, "/ext/bundled/libs:/mine");
  });
});
