/** What a counter said about one more attempt. */
export type ThrottleHit = { allowed: true; count: number } | { allowed: false; retryAfterMs: number };

/**
 * Fixed-window counters of failed logins, shared by every app instance that must agree (Redis)
 * or by one process (memory). Each call is atomic on its own key.
 */
export interface ThrottleCounters {
  /**
   * Refuses when `key` already counts `limit` within its window; otherwise counts one more,
   * starting a `windowMs` window at the first count.
   */
  hit(key: string, limit: number, windowMs: number): Promise<ThrottleHit>;
  /** Takes one count back (the attempt turned out to be a success); no-op when the window is gone. */
  refund(key: string): Promise<void>;
}

/** Injection token of the sample's {@link ThrottleCounters}. */
export const THROTTLE_COUNTERS = 'SAMPLE:THROTTLE_COUNTERS';
