import * as assert from "node:assert/strict";
import { Coalescer } from "../src/pure/coalesce";

/** Manual clock: timers fire only when the test advances time. */
class FakeTimers {
  now = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const [id, timer] of [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= this.now && this.timers.has(id)) {
        this.timers.delete(id);
        timer.fn();
      }
    }
    // Let the async action settle.
    for (let i = 0; i < 10; i++) {
      await Promise.resolve();
    }
  }
}

describe("Coalescer", () => {
  it("turns a burst of requests into one run with every reason", async () => {
    const clock = new FakeTimers();
    const runs: string[][] = [];
    const c = new Coalescer(async (reasons) => {
      runs.push(reasons);
    }, 500, clock);
    c.request("a");
    await clock.advance(200);
    c.request("b");
    await clock.advance(200);
    c.request("c");
    assert.equal(runs.length, 0);
    await clock.advance(499);
    assert.equal(runs.length, 0);
    await clock.advance(1);
    assert.deepEqual(runs, [["a", "b", "c"]]);
    assert.equal(c.busy, false);
  });

  it("runs once more after a request that arrives during a run", async () => {
    const clock = new FakeTimers();
    const runs: string[][] = [];
    let release: () => void = () => {};
    const c = new Coalescer(
      (reasons) => {
        runs.push(reasons);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      100,
      clock,
    );
    c.request("first");
    await clock.advance(100);
    assert.equal(runs.length, 1);
    c.request("during-1");
    c.request("during-2");
    await clock.advance(1000);
    assert.equal(runs.length, 1, "must not run concurrently");
    release();
    await clock.advance(0);
    await clock.advance(100);
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[1].slice(0, 2), ["during-1", "during-2"]);
    release();
    await clock.advance(1000);
    assert.equal(runs.length, 2);
  });

  it("keeps working after a failed run", async () => {
    const clock = new FakeTimers();
    let calls = 0;
    const c = new Coalescer(async () => {
      calls++;
      throw new Error("boom");
    }, 10, clock);
    c.request("x");
    await clock.advance(10);
    c.request("y");
    await clock.advance(10);
    assert.equal(calls, 2);
  });

  it("cancels a scheduled run on dispose", async () => {
    const clock = new FakeTimers();
    let calls = 0;
    const c = new Coalescer(async () => {
      calls++;
    }, 10, clock);
    c.request("x");
    c.dispose();
    await clock.advance(100);
    assert.equal(calls, 0);
  });
});
