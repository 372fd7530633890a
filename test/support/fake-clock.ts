import { vi } from 'vitest';
import { useSessionTestClock, type SessionTestClock } from '../../lib/testing/index.js';

export type FakeClock = SessionTestClock;

/**
 * The testing entry's clock on Vitest: fakes `Date` only (timers stay real, so sockets, Redis
 * and supertest work). Redis keeps real time for its own TTLs, which proves the server checks
 * the timestamps.
 */
export function useFakeClock(start?: number): FakeClock {
  return useSessionTestClock(vi, start);
}
