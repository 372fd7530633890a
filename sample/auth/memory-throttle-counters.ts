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

/** Counters in this process's memory: for SESSION_STORE=memory, where there is one process anyway. */
export class MemoryThrottleCounters implements ThrottleCounters {
  private readonly counters = new Map<string, Counter>();

  async admit(key: string, lease: string, limit: number, leaseMs: number): Promise<ThrottleAdmission> {
    const now = Date.now();
    let counter = this.live(key, now);
    if (counter && counter.failures >= limit) return { outcome: 'throttled', retryAfterMs: counter.endsAt - now };
    if (counter && counter.failures + counter.leases.size >= limit) return { outcome: 'busy' };
    if (!counter) {
      this.makeRoom(now);
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
      if (!failed) return 0;
      this.makeRoom(now);
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

  /** The key's counter with ended windows and lapsed leases dropped; undefined when nothing is left. */
  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (!counter) return undefined;
    if (counter.failures > 0 && counter.endsAt <= now) counter.failures = 0;
    for (const [lease, until] of counter.leases) if (until <= now) counter.leases.delete(lease);
    if (counter.failures === 0 && counter.leases.size === 0) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  /** Drops ended counters; when that is not enough, the oldest (Map order is insertion order). */
  private makeRoom(now: number): void {
    if (this.counters.size < MAX_KEYS) return;
    for (const key of [...this.counters.keys()]) this.live(key, now);
    for (const key of this.counters.keys()) {
      if (this.counters.size < MAX_KEYS) break;
      this.counters.delete(key);
    }
  }
}
