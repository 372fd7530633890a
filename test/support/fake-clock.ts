import { vi } from 'vitest';

export interface FakeClock {
  /** Moves the clock forward; the app (same process) sees the new time at once. */
  advance(ms: number): void;
  now(): number;
  restore(): void;
}

/**
 * Fakes `Date` only (timers stay real, so sockets, Redis and supertest work): the module's
 * deadlines, record timestamps and the embedded store's expiry all follow this clock, while
 * Redis keeps real time for its own TTLs, which proves the server checks the timestamps.
 */
export function useFakeClock(start = Date.UTC(2030, 0, 1, 8, 0, 0)): FakeClock {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(start);
  return {
    advance: (ms) => vi.setSystemTime(Date.now() + ms),
    now: () => Date.now(),
    restore: () => vi.useRealTimers(),
  };
}
