/**
 * Coalescing of restarts: many triggers in a short window (a settings change fires once
 * per affected key, the interpreter change fires with it) produce one restart, and a
 * trigger during a running restart produces exactly one more afterwards.
 * Pure: the timer functions are injected so tests control time.
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class Coalescer {
  private timer: unknown = undefined;
  private running = false;
  private pendingAfterRun = false;
  private reasons: string[] = [];

  /** `action` receives the reasons collected since the last run. */
  constructor(
    private readonly action: (reasons: string[]) => Promise<void>,
    private readonly delayMs: number,
    private readonly timers: Timers,
  ) {}

  /** Ask for a run `delayMs` after the last request. */
  request(reason: string): void {
    this.reasons.push(reason);
    if (this.running) {
      this.pendingAfterRun = true;
      return;
    }
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
  }

  /** Whether a run is scheduled or in progress. */
  get busy(): boolean {
    return this.running || this.timer !== undefined;
  }

  /** Cancel a scheduled run (an in-progress one finishes). */
  dispose(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pendingAfterRun = false;
  }

  private async run(): Promise<void> {
    const reasons = this.reasons;
    this.reasons = [];
    this.running = true;
    try {
      await this.action(reasons);
    } catch {
      // The action reports its own failures; a failed run must not wedge later ones.
    } finally {
      this.running = false;
    }
    if (this.pendingAfterRun) {
      this.pendingAfterRun = false;
      this.request("requested during the previous restart");
    }
  }
}
