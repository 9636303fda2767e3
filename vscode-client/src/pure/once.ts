/**
 * "Show each error once": a server that fails to start or crashes repeatedly must produce
 * one notification, not one per retry. Keys are normalised messages; `reset()` is called
 * after a successful start so that a later, new failure is shown again.
 */

export class OnceGate {
  private readonly shown = new Set<string>();

  /** True the first time `key` is seen since the last reset. */
  shouldShow(key: string): boolean {
    const normalised = normaliseMessage(key);
    if (this.shown.has(normalised)) {
      return false;
    }
    this.shown.add(normalised);
    return true;
  }

  reset(): void {
    this.shown.clear();
  }
}

/** Strip what changes between repeats of the same failure (pids, numbers, paths' temp parts). */
export function normaliseMessage(message: string): string {
  return message
    .replace(/\b(pid|process) \d+\b/gi, "$1 N")
    .replace(/\b\d+(\.\d+)?\s*(ms|s)\b/g, "T")
    .trim();
}

/**
 * Crash accounting for the language client's error handler: restart after a crash unless
 * `maxCrashes` happened within `windowMs`.
 */
export class CrashCounter {
  private crashes: number[] = [];

  constructor(
    private readonly maxCrashes: number,
    private readonly windowMs: number,
  ) {}

  /** Record a crash at `now`; returns true when the server may be restarted. */
  record(now: number): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length < this.maxCrashes;
  }

  get count(): number {
    return this.crashes.length;
  }

  reset(): void {
    this.crashes = [];
  }
}
