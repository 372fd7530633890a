import type { ThrottleCounters, ThrottleHit } from './throttle-counters.js';

interface Window {
  count: number;
  endsAt: number;
}

/** A flood of made-up usernames must not grow memory without bound. */
const MAX_KEYS = 100_000;

/** Counters in this process's memory: for SESSION_STORE=memory, where there is one process anyway. */
export class MemoryThrottleCounters implements ThrottleCounters {
  private readonly windows = new Map<string, Window>();

  async hit(key: string, limit: number, windowMs: number): Promise<ThrottleHit> {
    const now = Date.now();
    let window = this.live(key, now);
    if (window && window.count >= limit) return { allowed: false, retryAfterMs: window.endsAt - now };
    if (!window) {
      this.makeRoom(now);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { allowed: true, count: window.count };
  }

  async refund(key: string): Promise<void> {
    const window = this.live(key, Date.now());
    if (window && window.count > 0) window.count -= 1;
  }

  private live(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Drops ended windows; when that is not enough, the oldest (Map order is insertion order). */
  private makeRoom(now: number): void {
    if (this.windows.size < MAX_KEYS) return;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
