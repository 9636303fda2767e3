import * as assert from "node:assert/strict";
import { dotToSvg } from "../src/pure/dot";
import { buildGraphHtml, escapeHtml, parseGraphResult, withSvg } from "../src/pure/graph";

describe("parseGraphResult", () => {
  it("reads the three fields and defaults the missing ones", () => {
    assert.deepEqual(parseGraphResult({ dot: "digraph{}", svg: "<svg/>" }), { dot: "digraph{}", svg: "<svg/>", error: "" });
    assert.deepEqual(parseGraphResult({ dot: 3, error: "no torch" }), { dot: "", svg: "", error: "no torch" });
  });
  it("turns a non-object answer into an error", () => {
    assert.match(parseGraphResult(null).error, /no graph/);
    assert.match(parseGraphResult("x").error, /no graph/);
  });
});

describe("buildGraphHtml", () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text>w</text></svg>';

  it("shows the SVG as an image, never inline markup", () => {
    const html = buildGraphHtml({ dot: "", svg, error: "" }, "Autograd graph: a.py", "vscode-resource:");
    const match = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html);
    assert.ok(match, html);
    assert.equal(Buffer.from(match[1], "base64").toString("utf8"), svg);
    assert.equal(html.includes("<script>"), false);
    assert.match(html, /Content-Security-Policy/);
    assert.match(html, /default-src 'none'/);
  });
  it("offers DOT only escaped, collapsed as the source, never as the graph", () => {
    const dot = 'digraph { a -> b [label="<x> & y"] }';
    const html = buildGraphHtml({ dot, svg: "", error: "" }, "t", "c");
    assert.match(html, /<details><summary>DOT source<\/summary><pre id="graph-dot">digraph \{ a -&gt; b \[label=&quot;&lt;x&gt; &amp; y&quot;\] \}<\/pre>/);
    assert.equal(html.includes("<img"), false);
  });
  it("runs only its own zoom script, under the nonce", () => {
    const html = buildGraphHtml({ dot: "", svg, error: "" }, "t", "c", "abc123");
    assert.match(html, /script-src 'nonce-abc123'/);
    assert.match(html, /<script nonce="abc123">/);
    assert.match(html, /id="zoom-fit"/);
    assert.equal(html.includes("alert(1)"), false);
  });
  it("shows the error escaped", () => {
    const html = buildGraphHtml({ dot: "", svg: "", error: "<b>bad</b>" }, "t", "c");
    assert.match(html, /id="graph-error">&lt;b&gt;bad&lt;\/b&gt;/);
  });
  it("says so when there is nothing to draw", () => {
    assert.match(buildGraphHtml({ dot: "", svg: "", error: "" }, "t", "c"), /id="graph-empty"/);
  });
  it("escapes the title", () => {
    assert.match(buildGraphHtml({ dot: "d", svg: "", error: "" }, "<t>", "c"), /<title>&lt;t&gt;<\/title>/);
  });
});

describe("withSvg", () => {
  it("draws the server's DOT with the bundled Graphviz, parameters by name", async () => {
    const dot = 'digraph autograd { n0 [label="model.fc1.weight\\n(4, 3) float32"]; n1 [label="AddmmBackward0"]; n0 -> n1; }';
    const result = await withSvg({ dot, svg: "", error: "" }, dotToSvg);
    assert.equal(result.error, "");
    assert.match(result.svg, /^<\?xml|<svg/);
    assert.match(result.svg, /model\.fc1\.weight/);
    assert.match(result.svg, /AddmmBackward0/);
  });
  it("keeps the server's SVG and reports DOT it cannot draw", async () => {
    assert.equal((await withSvg({ dot: "d", svg: "<svg/>", error: "" }, dotToSvg)).svg, "<svg/>");
    const bad = await withSvg({ dot: "digraph { a -> ", svg: "", error: "" }, dotToSvg);
    assert.equal(bad.svg, "");
    assert.match(bad.error, /could not be drawn/);
  });
});

describe("escapeHtml", () => {
  it("escapes all five special characters", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
