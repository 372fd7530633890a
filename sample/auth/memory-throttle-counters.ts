import type { ThrottleAdmission, ThrottleCounters } from './throttle-counters.js';

interface Counter {
  failures: number;
  /** When the failures are forgotten (epoch ms); meaningful while failures > 0. */
  endsAt: number;
  /** Admitted attempts still being checked: lease token -> when the slot frees itself. */
  leases: Map<string, number>;
}

/** A flood of made-up usernames must not grow memory without bound. */
const MAX_KEYS = 100_000;

/**
 * Counters in this process's memory: for SESSION_STORE=memory, where there is one process anyway.
 *
 * At most `maxKeys` counters are kept. A counter is never dropped while it still counts
 * failures or holds attempts in flight: dropping the window of an account under attack would
 * hand the guesser a fresh budget, so a flood of made-up usernames (or networks) cannot buy
 * that. When every counter is live, a new key is refused (fail closed: 429 until the earliest
 * one ends); keys that already have a counter still count.
 */
export class MemoryThrottleCounters implements ThrottleCounters {
  private readonly counters = new Map<string, Counter>();
  /** While every counter is live, when the earliest one ends: no need to look again before. */
  private fullUntil = 0;

  constructor(private readonly maxKeys = MAX_KEYS) {}

  async admit(key: string, lease: string, limit: number, leaseMs: number): Promise<ThrottleAdmission> {
    const now = Date.now();
    let counter = this.live(key, now);
    if (counter && counter.failures >= limit) return { outcome: 'throttled', retryAfterMs: counter.endsAt - now };
    if (counter && counter.failures + counter.leases.size >= limit) return { outcome: 'busy' };
    if (!counter) {
      const full = this.makeRoom(now);
      if (full !== undefined) return { outcome: 'throttled', retryAfterMs: full };
      counter = { failures: 0, endsAt: 0, leases: new Map() };
      this.counters.set(key, counter);
    }
    counter.leases.set(lease, now + leaseMs);
    return { outcome: 'admitted', failures: counter.failures };
  }

  async settle(key: string, lease: string, failed: boolean, windowMs: number): Promise<number> {
    const now = Date.now();
    const counter = this.live(key, now);
    if (!counter) {
      // The lease lapsed (a check slower than its lease): a failure still counts, room permitting.
      if (!failed || this.makeRoom(now) !== undefined) return 0;
      this.counters.set(key, { failures: 1, endsAt: now + windowMs, leases: new Map() });
      return 1;
    }
    counter.leases.delete(lease);
    if (failed) {
      if (counter.failures === 0) counter.endsAt = now + windowMs;
      counter.failures += 1;
    } else if (counter.failures === 0 && counter.leases.size === 0) {
      this.counters.delete(key);
    }
    return counter.failures;
  }

  /** The key's counter with an ended window and lapsed leases dropped; undefined when nothing is left. */
  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (!counter) return undefined;
    return this.prune(key, counter, now) ? undefined : counter;
  }

  /** Forgets what has ended; true when the counter was dropped as empty. */
  private prune(key: string, counter: Counter, now: number): boolean {
    if (counter.failures > 0 && counter.endsAt <= now) counter.failures = 0;
    for (const [lease, until] of counter.leases) if (until <= now) counter.leases.delete(lease);
    if (counter.failures > 0 || counter.leases.size > 0) return false;
    this.counters.delete(key);
    return true;
  }

  /**
   * Drops ended counters when the map is full. Undefined when there is room for one more key;
   * otherwise how long until the earliest live counter ends. One scan per such end at most, so
   * a flood that is refused costs no more than the refusal.
   */
  private makeRoom(now: number): number | undefined {
    if (this.counters.size < this.maxKeys) return undefined;
    if (now < this.fullUntil) return this.fullUntil - now;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, counter] of this.counters) {
      if (!this.prune(key, counter, now)) earliest = Math.min(earliest, endOf(counter));
    }
    if (this.counters.size < this.maxKeys) return undefined;
    this.fullUntil = earliest;
    return earliest - now;
  }
}

/** When a live counter ends: its window, or its last lease when it counts no failure. */
function endOf(counter: Counter): number {
  let end = counter.failures > 0 ? counter.endsAt : 0;
  for (const until of counter.leases.values()) end = Math.max(end, until);
  return end;
}
