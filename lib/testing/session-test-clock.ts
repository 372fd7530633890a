/**
 * The fake-timer calls {@link useSessionTestClock} needs: Vitest's `vi` has them (Jest's
 * `jest` has `setSystemTime` and `useRealTimers` too, but takes other `useFakeTimers` options).
 */
export interface FakeDateTimers {
  useFakeTimers(config: { toFake: ['Date'] }): unknown;
  setSystemTime(now: number): unknown;
  useRealTimers(): unknown;
}

/** The time the module sees while a {@link useSessionTestClock} clock is on. */
export interface SessionTestClock {
  /** Moves the clock forward; the app (same process) sees the new time at once. */
  advance(ms: number): void;
  /** The current fake time (epoch ms). */
  now(): number;
  /** Puts the real clock back. */
  restore(): void;
}

/**
 * Drives the module's time in a test: fakes `Date` only, so timers stay real (sockets,
 * Redis and supertest keep working). Idle and absolute timeouts, ID rotation, record
 * timestamps, the embedded store's expiry and MFA (whose `MFA_CLOCK` reads `Date.now()` by
 * default) all follow it. Redis keeps real time for its own TTLs.
 *
 * ```ts
 * import { vi } from 'vitest';
 * const clock = useSessionTestClock(vi);
 * clock.advance(31 * 60_000); // past the idle timeout
 * clock.restore();
 * ```
 */
export function useSessionTestClock(timers: FakeDateTimers, start = Date.UTC(2030, 0, 1, 8, 0, 0)): SessionTestClock {
  timers.useFakeTimers({ toFake: ['Date'] });
  timers.setSystemTime(start);
  return {
    advance: (ms) => void timers.setSystemTime(Date.now() + ms),
    now: () => Date.now(),
    restore: () => void timers.useRealTimers(),
  };
}
