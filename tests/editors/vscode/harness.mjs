// What the real-VS-Code drivers (e2e.mjs, e2e_notebook.mjs) share: steps with screenshots,
// waiting for what the workbench renders, the Command Palette, notifications, and the
// summary line run_e2e.sh reads. `harness(phase)` returns them bound to one phase; set
// `h.page` once the browser page exists.

import { mkdirSync } from "node:fs";
import path from "node:path";

export function harness(phase) {
  const env = process.env;
  const waitMs = Number(env.TIMEOUT_S ?? 120) * 1000;
  mkdirSync(env.SHOTS, { recursive: true });
  const results = [];
  let shotIndex = 0;
  const h = { page: undefined, results, waitMs };

  h.log = (message) => console.log(`[e2e:${phase}] ${message}`);

  h.shot = async (name) => {
    shotIndex += 1;
    const file = path.join(env.SHOTS, `${phase}-${String(shotIndex).padStart(2, "0")}-${name}.png`);
    try {
      await h.page.screenshot({ path: file });
    } catch (error) {
      h.log(`screenshot ${name} failed: ${error}`);
    }
    return file;
  };

  h.step = async (name, body, { critical = false } = {}) => {
    const started = Date.now();
    try {
      await body();
      results.push({ name, ok: true });
      h.log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.message ?? error) });
      h.log(`FAIL ${name}: ${error?.stack ?? error}`);
      await h.shot(`FAILED-${name}`);
      if (critical) {
        throw new Error(`critical step ${name} failed`);
      }
    }
  };

  h.until = async (what, probe, timeoutMs = waitMs, intervalMs = 500) => {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) {
          return last;
        }
      } catch (error) {
        last = `error: ${error?.message ?? error}`;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 1500)}`);
      }
      await h.page.waitForTimeout(intervalMs);
    }
  };

  h.quickInput = async (key) => {
    await h.page.keyboard.press("Escape");
    await h.page.keyboard.press(key);
    const input = h.page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor({ state: "visible", timeout: 15000 });
    return input;
  };

  /** Run a command from the Command Palette by its full title. */
  h.runCommand = async (title) => {
    const input = await h.quickInput("F1");
    await input.fill(`>${title}`);
    const row = h.page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
    await row.waitFor({ state: "visible", timeout: 30000 });
    await row.click();
  };

  h.notificationsText = async () =>
    h.page.evaluate(() =>
      [...document.querySelectorAll(".notifications-toasts .notification-list-item-message, .notification-list-item-message")]
        .map((el) => el.textContent ?? "")
        .join("\n"),
    );

  /** Run `main`, then print the results and exit with their status. */
  h.finish = async (main) => {
    try {
      await main();
    } catch (error) {
      h.log(`aborted: ${error?.message ?? error}`);
    }
    const failed = results.filter((r) => !r.ok);
    console.log(`E2E_RESULT ${JSON.stringify({ phase, results })}`);
    h.log(`${results.length - failed.length}/${results.length} steps passed`);
    process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);
  };

  return h;
}
