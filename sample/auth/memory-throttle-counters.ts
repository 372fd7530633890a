import type { ThrottleCounters, ThrottleHit } from './throttle-counters.js';

interface Window {
  count: number;
  endsAt: number;
}

/** A flood of made-up usernames must not grow memory without bound. */
const MAX_KEYS = 100_000;

/**
 * Counters in this process's memory: for SESSION_STORE=memory, where there is one process anyway.
 *
 * At most `maxKeys` windows are kept. A window is never dropped before it ends: dropping the
 * window of an account under attack would hand the guesser a fresh budget, so a flood of made-up
 * usernames (or networks) cannot buy that. When every window is live, a new key is refused
 * (fail closed: 429 until the earliest window ends); keys that already have a window still count.
 */
export class MemoryThrottleCounters implements ThrottleCounters {
  private readonly windows = new Map<string, Window>();
  /** While every window is live, when the earliest one ends: no need to look again before. */
  private fullUntil = 0;

  constructor(private readonly maxKeys = MAX_KEYS) {}

  async hit(key: string, limit: number, windowMs: number): Promise<ThrottleHit> {
    const now = Date.now();
    let window = this.live(key, now);
    if (window && window.count >= limit) return { allowed: false, retryAfterMs: window.endsAt - now };
    if (!window) {
      const full = this.makeRoom(now);
      if (full !== undefined) return { allowed: false, retryAfterMs: full };
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

  /**
   * Drops ended windows when the map is full. Undefined when there is room for one more key;
   * otherwise how long until the earliest live window ends. One scan per window end at most, so
   * a flood that is refused costs no more than the refusal.
   */
  private makeRoom(now: number): number | undefined {
    if (this.windows.size < this.maxKeys) return undefined;
    if (now < this.fullUntil) return this.fullUntil - now;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
      else earliest = Math.min(earliest, window.endsAt);
    }
    if (this.windows.size < this.maxKeys) return undefined;
    this.fullUntil = earliest;
    return earliest - now;
  }
}
