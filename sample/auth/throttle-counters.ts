/** What the counters said about one more password attempt. */
export type ThrottleAdmission =
  /** Go ahead: the attempt holds a slot of the budget until it is settled. */
  | { outcome: 'admitted'; failures: number }
  /** `limit` failures already counted in this window: refused until it ends. */
  | { outcome: 'throttled'; retryAfterMs: number }
  /** Failures plus attempts still being checked fill the budget: ask again in a moment. */
  | { outcome: 'busy' };

/**
 * Failed-login counters in fixed windows, shared by every app instance that must agree (Redis)
 * or by one process (memory). A window starts at its first failure.
 *
 * Why slots and not a count taken up front: counting every attempt before its password check
 * (and giving successes their count back) kept parallel guesses under the limit, but made right
 * passwords in flight look like failures, so a burst of good logins was throttled. Here an
 * attempt holds a slot while it is checked; only failures are counted; and no more attempts are
 * in flight at once than failures are left in the budget. So parallel guesses still cannot
 * overtake the limit, a right password is only ever refused once `limit` real failures are in,
 * and Retry-After is the window's real remaining time.
 */
export interface ThrottleCounters {
  /**
   * Admits one attempt under `lease` (a random token) unless the window holds `limit` failures
   * (`throttled`) or failures and admitted attempts together reach `limit` (`busy`). An
   * admitted attempt's slot frees itself after `leaseMs` if it is never settled (a crash).
   */
  admit(key: string, lease: string, limit: number, leaseMs: number): Promise<ThrottleAdmission>;
  /**
   * Frees the attempt's slot; a failure is counted, starting a `windowMs` window if none runs.
   * @returns the failures counted in the window now
   */
  settle(key: string, lease: string, failed: boolean, windowMs: number): Promise<number>;
}

/** Injection token of the sample's {@link ThrottleCounters}. */
export const THROTTLE_COUNTERS = 'SAMPLE:THROTTLE_COUNTERS';
