import * as assert from "node:assert/strict";
import { summariseProbeResult } from "../src/pure/probe";

describe("summariseProbeResult in a notebook", () => {
  it("names the cell and its line for a notebook", () => {
    const summary = summariseProbeResult(
      { ok: true, error: null, facts: 6, exception: { type: "RuntimeError", message: "leaf", line: 5, cell: 3 } },
      "train.ipynb",
    );
    assert.equal(
      summary.message,
      "leaf-lsp: verified train.ipynb with torch (6 tensor facts checked). The run raised RuntimeError at line 5 of cell 3.",
    );
  });
});
