// Drives real VS Code (code-server in headless Chromium) with the leaf-lsp extension
// installed and asserts on what the workbench renders. Started by run_e2e.sh, once per
// phase:
//   PHASE=trusted    squiggle + Problems entry, inlay hints, hover with the reason,
//                    "Verify File with Torch" -> verified (✓) hints and its counts, a
//                    forward run with and without grad keeping its hint (hover: both),
//                    autograd graph webview (SVG with parameter names, also without
//                    Graphviz), a half-typed line keeping the other functions' squiggles,
//                    quick fix applied to the file, a broken interpreter
//                    setting reported once and recovered from without a reload.
//   PHASE=untrusted  restricted mode: hints still shown, the probe refused with a message.
// Every step saves a screenshot under $SHOTS; a failure saves one named FAILED-<step>.
// Inputs (env): URL, WORKSPACE, FILE (name in WORKSPACE), EXPECT (JSON from
// expectations.py), SHOTS, README_SHOT (optional), PLAYWRIGHT (path of playwright-core),
// CHROMIUM, PROFILE (fresh browser profile dir), TIMEOUT_S (per wait, default 120),
// USER_SETTINGS (the profile's settings.json), GRAPH_FILE (default model.py).

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { harness } from "./harness.mjs";

const env = process.env;
const require = createRequire(import.meta.url);
const { chromium } = require(env.PLAYWRIGHT);
const PHASE = env.PHASE ?? "trusted";
const WAIT_MS = Number(env.TIMEOUT_S ?? 120) * 1000;
const expect = JSON.parse(readFileSync(env.EXPECT, "utf8"));
const filePath = path.join(env.WORKSPACE, env.FILE);

let page;
const h = harness(PHASE);
const { log, shot, step, until, quickInput, runCommand, notificationsText } = h;

/** The editor's rendered lines in document order (text includes inlay hints; NBSP -> space). */
async function renderedLines() {
  return page.evaluate(() => {
    const editor = document.querySelector(".editor-group-container.active .monaco-editor") ?? document.querySelector(".monaco-editor");
    if (!editor) return [];
    const lines = [...editor.querySelectorAll(".view-lines .view-line")];
    return lines
      .map((el) => ({ top: parseFloat(el.style.top || "0"), text: (el.textContent ?? "").replace(/\u00a0/g, " ") }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text);
  });
}

/** Screen point of character `col` (0-based) of document line `line` (1-based) in the active editor. */
async function pointAt(line, col) {
  return page.evaluate(
    ({ line, col }) => {
      const editor = document.querySelector(".editor-group-container.active .monaco-editor") ?? document.querySelector(".monaco-editor");
      const lines = [...editor.querySelectorAll(".view-lines .view-line")].sort(
        (a, b) => parseFloat(a.style.top || "0") - parseFloat(b.style.top || "0"),
      );
      const el = lines[line - 1];
      if (!el) return null;
      // Walk the text nodes of the real source (skip injected inlay-hint text).
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let remaining = col;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const host = node.parentElement;
        if (host && (host.className.includes("dyn-rule") || host.closest("[class*=inlay]"))) continue;
        const length = node.textContent.length;
        if (remaining < length) {
          const range = document.createRange();
          range.setStart(node, remaining);
          range.setEnd(node, remaining + 1);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        remaining -= length;
      }
      const r = el.getBoundingClientRect();
      return { x: r.left + 4, y: r.top + r.height / 2 };
    },
    { line, col },
  );
}

async function openFile(name) {
  const input = await quickInput("Control+P");
  await input.fill(name);
  // Enter opens the focused row, which is briefly a recently opened file until the search
  // results arrive: wait until the focus is on the wanted file.
  const focused = page.locator(".quick-input-widget .monaco-list-row.focused", { hasText: name });
  await focused.first().waitFor({ state: "visible", timeout: 30000 });
  await page.keyboard.press("Enter");
  await page.locator(`.tab[aria-label*="${name}"]`).first().waitFor({ timeout: 30000 });
  await until("the editor's text", async () => (await renderedLines()).some((l) => l.includes("import torch")));
}

/**
 * Replace the user settings through VS Code's own settings.json editor (its file service
 * fires the configuration change at once; an edit from outside depends on a file watcher).
 */
async function writeUserSettings(settings) {
  await runCommand("Preferences: Open User Settings (JSON)");
  await page.locator('.tab[aria-label*="settings.json"]').first().waitFor({ timeout: 30000 });
  await until("the settings editor's text", async () => (await renderedLines()).some((l) => l.includes("leaf-lsp.interpreter")), 30000);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // (run_e2e.sh turns auto-closing and auto-indent off in the user settings.)
  // insertText types no single keys, so no brackets or quotes are auto-closed; one line,
  // so that no auto-indentation is added after newlines.
  await page.keyboard.insertText(JSON.stringify(settings));
  await page.keyboard.press("Control+S");
  await until("the settings on disk", async () => {
    try {
      return JSON.stringify(JSON.parse(readFileSync(env.USER_SETTINGS, "utf8"))) === JSON.stringify(settings);
    } catch {
      return false;
    }
  }, 30000);
  await runCommand("View: Close Editor");
}

/** The codicon of the leaf-lsp status bar item ("check", "error", "loading", ...). */
async function statusIcon() {
  return page.evaluate(() => {
    for (const item of document.querySelectorAll(".part.statusbar .statusbar-item")) {
      if (!(item.textContent ?? "").includes("leaf-lsp")) continue;
      const icon = item.querySelector("[class*=codicon-]");
      const match = icon ? /codicon-([a-z-]+)/.exec(icon.className) : null;
      if (match) return match[1];
    }
    return "";
  });
}

/** Vertical centre of the rendered document line (1-based). */
async function lineTop(line) {
  return page.evaluate((line) => {
    const editor = document.querySelector(".editor-group-container.active .monaco-editor") ?? document.querySelector(".monaco-editor");
    const lines = [...editor.querySelectorAll(".view-lines .view-line")].sort(
      (a, b) => parseFloat(a.style.top || "0") - parseFloat(b.style.top || "0"),
    );
    const r = lines[line - 1]?.getBoundingClientRect();
    return r ? { top: r.top, bottom: r.bottom } : null;
  }, line);
}

async function squigglesOnLine(line) {
  const bounds = await lineTop(line);
  if (!bounds) return [];
  return page.evaluate(({ top, bottom }) => {
    return [...document.querySelectorAll(".monaco-editor .view-overlays [class*=squiggly-]")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const mid = (r.top + r.bottom) / 2;
        return mid >= top - 1 && mid <= bottom + 1;
      })
      .map((el) => el.className);
  }, bounds);
}

async function hoverText(line, col) {
  await page.mouse.move(5, 5);
  await page.waitForTimeout(300);
  const point = await pointAt(line, col);
  if (!point) throw new Error(`no rendered line ${line}`);
  await page.mouse.move(point.x, point.y, { steps: 3 });
  return until(`a hover on line ${line}`, async () => {
    const text = await page.evaluate(() =>
      [...document.querySelectorAll(".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover .hover-contents")]
        .map((el) => el.textContent ?? "")
        .join("\n"),
    );
    return text.includes("requires_grad") ? text : "";
  }, 30000);
}

async function main() {
  const context = await chromium.launchPersistentContext(env.PROFILE, {
    executablePath: env.CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  h.page = page;
  page.on("pageerror", (error) => log(`page error: ${error}`));
  const url = `${env.URL}/?folder=${encodeURIComponent(env.WORKSPACE)}`;
  log(`opening ${url}`);
  try {
    await step(
      "workbench",
      async () => {
        await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60000 });
        await page.locator(".monaco-workbench .part.statusbar").waitFor({ timeout: 90000 });
        await page.waitForTimeout(1500);
        await openFile(expect.file);
        await shot("opened");
      },
      { critical: true },
    );

    const hintsExpected = expect.hints;
    await step("inlay-hints", async () => {
      await until(`inlay hints ${JSON.stringify(hintsExpected)}`, async () => {
        const lines = await renderedLines();
        const missing = hintsExpected.filter((h) => !(lines[h.line - 1] ?? "").includes(h.label));
        return missing.length === 0 ? true : false;
      });
      // "no grad" must not be confused with "leaf · grad": check each line's label exactly once.
      const lines = await renderedLines();
      for (const h of hintsExpected) {
        const line = lines[h.line - 1];
        if (h.label === "no grad" && /leaf · grad/.test(line)) throw new Error(`line ${h.line} shows a grad label: ${line}`);
      }
      await shot("inlay-hints");
    });

    if (PHASE === "untrusted") {
      await step("restricted-mode", async () => {
        await until("the Restricted Mode indicator", async () =>
          page.evaluate(() => /Restricted Mode/i.test(document.querySelector(".part.statusbar")?.textContent ?? "")),
        30000);
      });
      await step("probe-refused", async () => {
        await runCommand("leaf-lsp: Verify File with Torch");
        const text = await until("the refusal notification", async () => {
          const t = await notificationsText();
          return /untrusted workspace/i.test(t) ? t : "";
        }, 30000);
        if (!/Trust the workspace/i.test(text)) throw new Error(`the refusal does not say how to fix it: ${text}`);
        await page.waitForTimeout(2000);
        const lines = await renderedLines();
        if (lines.some((l) => l.includes("✓"))) throw new Error("hints were verified in an untrusted workspace");
        await shot("probe-refused");
      });
    } else {
      const diag = expect.diagnostics[0];
      await step("squiggle", async () => {
        await until(`a squiggle on line ${diag.line}`, async () => (await squigglesOnLine(diag.line)).length > 0);
        await shot("squiggle");
      });

      await step("problems-panel", async () => {
        await page.keyboard.press("Escape");
        await page.keyboard.press("Control+Shift+M");
        const rows = page.locator(".markers-panel .monaco-list-row");
        const text = await until(`a Problems entry with ${diag.code}`, async () => {
          const all = (await rows.allTextContents()).join("\n");
          return all.includes(diag.code) ? all : "";
        }, 60000);
        if (!new RegExp(`\\[Ln ${diag.line},`).test(text)) throw new Error(`the ${diag.code} entry is not at line ${diag.line}: ${text}`);
        if (!text.includes("leaf-lsp")) throw new Error(`the entry's source is not leaf-lsp: ${text}`);
        await shot("problems");
        await page.keyboard.press("Control+Shift+M");
      });

      const hover = expect.hover;
      await step("hover", async () => {
        if (!hover) throw new Error(`the engine gave no fact with a reason to hover (${expect.engine_error ?? "no fact"})`);
        const text = await hoverText(hover.line, hover.col);
        if (!/is_leaf/.test(text)) throw new Error(`hover has no is_leaf: ${text}`);
        for (const reason of hover.reasons) {
          if (!text.includes(reason)) throw new Error(`hover lacks the reason "${reason}": ${text}`);
        }
        await shot("hover");
      });

      await step("verify-with-torch", async () => {
        await page.mouse.move(5, 5);
        await runCommand("leaf-lsp: Verify File with Torch");
        const note = await until("the probe's notification", async () => {
          const t = await notificationsText();
          return /verified|failed|could not/i.test(t) ? t : "";
        }, WAIT_MS);
        if (/failed|could not/i.test(note)) throw new Error(`the probe failed: ${note}`);
        // The outcome is told: counts of what the run settled (and any exception).
        if (!/\d+ hints? verified, \d+ contradicted/.test(note)) throw new Error(`Verify's message gives no counts: ${note}`);
        await until("verified (✓) hints", async () => {
          const lines = await renderedLines();
          return hintsExpected.every((h) => (lines[h.line - 1] ?? "").includes(`${h.label} ✓`));
        });
        await shot("verified");
        if (env.README_SHOT && hover) {
          await runCommand("Notifications: Clear All Notifications");
          await hoverText(hover.line, hover.col);
          await page.waitForTimeout(500);
          await page.screenshot({ path: env.README_SHOT });
          log(`README screenshot: ${env.README_SHOT}`);
        }
      });

      // forward() runs with grad in train() and under no_grad in test(): the hint keeps the
      // training value after Verify, and the hover names the other context.
      await step("verify-two-grad-modes", async () => {
        await page.mouse.move(5, 5);
        await runCommand("Notifications: Clear All Notifications");
        await openFile("modes.py");
        await until("the hint of h", async () => ((await renderedLines())[10] ?? "").includes("non-leaf · grad"));
        await runCommand("leaf-lsp: Verify File with Torch");
        await until("h verified", async () => ((await renderedLines())[10] ?? "").includes("non-leaf · grad ✓"));
        await page.keyboard.press("Escape");
        const point = await pointAt(11, 8);
        await page.mouse.move(point.x, point.y, { steps: 3 });
        // Other hovers of earlier steps may linger in the DOM: wait for this one's run-time section.
        const text = await until("the hover's run-time contexts", async () => {
          const t = await page.evaluate(() =>
            [...document.querySelectorAll(".monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover .hover-contents")]
              .map((el) => el.textContent ?? "")
              .join("\n"),
          );
          return t.includes("At run time") ? t : "";
        }, 30000);
        if (!/under no_grad in test\(\) \(line 21\): leaf, no grad/.test(text)) {
          throw new Error(`the hover does not name the no_grad context: ${text}`);
        }
        if (!/with grad in train\(\) \(line 16\)/.test(text)) throw new Error(`the hover lacks the training context: ${text}`);
        await shot("verify-two-grad-modes");
      });

      // The graph needs a run that reaches backward(): use the clean file.
      await step("graph-webview", async () => {
        await page.mouse.move(5, 5);
        await page.keyboard.press("Escape");
        await openFile(env.GRAPH_FILE ?? "model.py");
        await runCommand("leaf-lsp: Show Autograd Graph");
        await page.locator('.tab[aria-label*="Autograd graph"]').first().waitFor({ timeout: WAIT_MS });
        const found = await until("the graph in the webview", async () => {
          for (const frame of page.frames()) {
            try {
              const svg = await frame.locator("#graph-svg").count();
              const dot = await frame.locator("#graph-dot").count();
              const error = await frame.locator("#graph-error").count();
              if (svg || dot) return { svg, dot };
              if (error) return { error: await frame.locator("#graph-error").textContent() };
            } catch {
              // Frames come and go while the webview loads.
            }
          }
          return null;
        });
        await page.waitForTimeout(500);
        await shot("graph");
        if (found.error) throw new Error(`the graph panel shows an error: ${found.error}`);
        if (found.svg) {
          // The SVG must have loaded as an image, not just be referenced.
          const loaded = await until("the graph image to load", async () => {
            for (const frame of page.frames()) {
              try {
                if ((await frame.locator("#graph-svg").count()) === 0) continue;
                return await frame.locator("#graph-svg").evaluate((img) => img.complete && img.naturalWidth > 0);
              } catch {
                // next frame
              }
            }
            return false;
          }, 20000);
          if (!loaded) throw new Error("the graph image did not load");
          // Drawn as SVG (by the bundled wasm Graphviz when `dot` is absent), parameters named.
          let svgText = "";
          for (const frame of page.frames()) {
            try {
              if ((await frame.locator("#graph-svg").count()) === 0) continue;
              const src = await frame.locator("#graph-svg").getAttribute("src");
              svgText = Buffer.from((src ?? "").split(",")[1] ?? "", "base64").toString("utf8");
            } catch {
              // next frame
            }
          }
          if (!svgText.includes("<svg")) throw new Error("the graph is not an SVG");
          for (const name of ["model.0.weight", "model.2.weight"]) {
            if (!svgText.includes(name)) throw new Error(`the graph does not name ${name}`);
          }
        } else {
          throw new Error("the graph was not drawn (only its DOT source is there)");
        }
      });

      // Half-typed code: an unclosed "(" in second() leaves the squiggles of first() and third().
      await step("half-typed-line", async () => {
        await page.mouse.move(5, 5);
        await runCommand("View: Close All Editors");
        await openFile("half.py");
        await until("squiggles on lines 8 and 20", async () =>
          (await squigglesOnLine(8)).length > 0 && (await squigglesOnLine(20)).length > 0);
        const point = await pointAt(12, 20);
        await page.mouse.click(point.x, point.y);
        await page.keyboard.press("End");
        await page.keyboard.press("Backspace"); // `z = torch.relu(x` : the bracket is never closed
        await until("LEAF000 at the broken line, the other squiggles kept", async () =>
          (await squigglesOnLine(12)).length > 0 && (await squigglesOnLine(8)).length > 0 && (await squigglesOnLine(20)).length > 0);
        await page.waitForTimeout(1000);
        if ((await squigglesOnLine(8)).length === 0 || (await squigglesOnLine(20)).length === 0) {
          throw new Error("the squiggles of the other functions went away");
        }
        await shot("half-typed");
        await page.keyboard.type(")");
        await until("the broken line's squiggle gone", async () => (await squigglesOnLine(12)).length === 0, 60000);
        if ((await squigglesOnLine(8)).length === 0) throw new Error("first()'s squiggle went away after the fix");
        await shot("half-typed-fixed");
        await page.keyboard.press("Control+S");
      });

      // Back to the buggy file (the webview opened beside it).
      await step("back-to-editor", async () => {
        await runCommand("View: Close All Editors");
        await openFile(expect.file);
      });

      await step("quick-fix", async () => {
        if (!expect.fix) throw new Error(`the engine has no fix for ${diag.code} (${expect.engine_error ?? "none"})`);
        const before = readFileSync(filePath, "utf8");
        const point = await pointAt(expect.fix.line, 0);
        await page.mouse.click(point.x, point.y);
        await page.keyboard.press("Home");
        await page.keyboard.press("Control+.");
        const row = page.locator(".action-widget .monaco-list-row", { hasText: expect.fix.title }).first();
        await row.waitFor({ state: "visible", timeout: 30000 });
        await shot("quick-fix-menu");
        // The menu is keyboard-driven (a pointer block covers it): move the focus to the
        // fix, then Enter.
        const focusedLabel = () =>
          page.evaluate(() => document.querySelector(".action-widget .monaco-list-row.focused")?.getAttribute("aria-label") ?? "");
        for (let i = 0; i < 20 && !(await focusedLabel()).includes(expect.fix.title); i++) {
          await page.keyboard.press("ArrowDown");
        }
        if (!(await focusedLabel()).includes(expect.fix.title)) throw new Error(`cannot focus "${expect.fix.title}" in the menu`);
        await page.keyboard.press("Enter");
        await page.keyboard.press("Control+S");
        const after = await until("the fixed file on disk", async () => {
          const text = readFileSync(filePath, "utf8");
          return text !== before ? text : "";
        }, 30000);
        if (after !== expect.fix.after) {
          throw new Error(`the file after the fix differs from the engine's fix:\n--- got\n${after}\n--- expected\n${expect.fix.after}`);
        }
        await until(`${diag.code} to disappear from line ${diag.line}`, async () => (await squigglesOnLine(diag.line)).length === 0, 60000);
        await shot("quick-fix-applied");
      });

      // A broken interpreter setting: one clear notification naming the fix; fixing the
      // setting restarts the server (no reload) and the hints come back.
      if (env.USER_SETTINGS) {
        await step("bad-interpreter", async () => {
          const original = JSON.parse(readFileSync(env.USER_SETTINGS, "utf8"));
          try {
            await writeUserSettings({ ...original, "leaf-lsp.interpreter": ["/nonexistent/bin/python3"] });
            const text = await until("the interpreter notification", async () => {
              const t = await notificationsText();
              return /could not run the Python interpreter/.test(t) ? t : "";
            }, 60000);
            if (!text.includes("/nonexistent/bin/python3") || !text.includes('Set "leaf-lsp.interpreter"')) {
              throw new Error(`the notification does not name the interpreter and the fix: ${text}`);
            }
            const buttons = await page.locator(".notifications-toasts .monaco-button", { hasText: "Set leaf-lsp.interpreter" }).count();
            if (buttons === 0) throw new Error("no 'Set leaf-lsp.interpreter' button");
            await until("the status bar item in its error state", async () => (await statusIcon()) === "error", 30000);
            await shot("bad-interpreter");
          } finally {
            await writeUserSettings(original);
          }
          await runCommand("Notifications: Clear All Notifications");
          await page.keyboard.press("Escape");
          // Edit the buffer so that fresh hints are requested from the restarted server.
          const point = await pointAt(1, 0);
          await page.mouse.click(point.x, point.y);
          await page.keyboard.press("End");
          await page.keyboard.press("Enter");
          await until("the status bar item back to ready", async () => (await statusIcon()) === "check", 60000);
          await until("hints from the restarted server", async () => {
            const lines = await renderedLines();
            return lines.some((l) => l.includes("leaf · grad"));
          });
          await shot("restarted");
        });
      }
    }
  } finally {
    await context.close().catch(() => {});
  }
}

await h.finish(main);
