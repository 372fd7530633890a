/** How failed MFA attempts lock an account. */
export interface AttemptPolicy {
  /** Failed attempts (counted across sessions and IPs) that lock the account's MFA step. */
  maxAttempts: number;
  /** The first lock lasts this long (ms); each further lock doubles it. */
  lockoutDuration: number;
  /** Locks never last longer than this (ms). */
  maxLockoutDuration: number;
}

/**
 * The answer to "may this user try a code now?".
 * `allowed: false`: the account is locked until `lockedUntil` (epoch ms).
 * `allowed: true`: go ahead; `lockedUntil` is set when this very attempt was the last one the
 * budget allowed, so the account is locked unless the code turns out right.
 */
export type AttemptDecision = { allowed: true; lockedUntil?: number } | { allowed: false; lockedUntil: number };

/** One TOTP code, checked by the caller against the user's secret, to be settled by the state store. */
export interface TotpAttempt {
  userId: string;
  /** Names the secret (a hash of it): each factor has its own consumed-step track. */
  factorId: string;
  /** The time step the code matched, or undefined when it matched none. */
  matchedStep: number | undefined;
  policy: AttemptPolicy;
  /** Epoch ms (the module's clock). */
  now: number;
  /** How long the consumed step must be remembered. */
  stepTtlMs: number;
}

/**
 * What one TOTP code attempt came to. `failed` and `replayed` were counted; `lockedUntil` is set
 * when that count started a lock. `locked`: refused unseen while the account is locked.
 */
export type TotpAttemptResult =
  | { outcome: 'accepted' }
  | { outcome: 'failed' | 'replayed'; lockedUntil?: number }
  | { outcome: 'locked'; lockedUntil: number };

/**
 * The MFA state that every app instance must share: attempt counters and locks, consumed TOTP
 * time steps, and a short per-user mutex for changes to the app's enrolment record. Each method
 * is one atomic operation on the backend.
 *
 * SessionModule picks the implementation from its session store (embedded store: in memory;
 * Redis: the same client and prefix). With a custom SessionStore pass one as `mfa.stateStore`.
 */
export interface MfaStateStore {
  /**
   * Counts an attempt before the code is checked (so parallel guesses cannot overtake the
   * count) and refuses it while the account is locked. The attempt that reaches
   * `maxAttempts` starts a lock of `lockoutDuration * 2^(locks so far)`, at most
   * `maxLockoutDuration`. The count and the lock level are forgotten 24 hours after the
   * last attempt or lock end, or at once by {@link clearAttempts}.
   * @param now epoch ms (the module's clock)
   */
  beginAttempt(userId: string, policy: AttemptPolicy, now: number): Promise<AttemptDecision>;
  /**
   * One TOTP code attempt, whole, in one atomic operation (one round trip on Redis): refused
   * while the account is locked; otherwise a code that matched a time step after the factor's
   * last consumed one is accepted (the step is consumed, the count, lock and lock level are
   * gone), and anything else (no match, or a step at or before the last: a replay) counts as a
   * failed attempt exactly as {@link beginAttempt} counts it. Since the count and the check are
   * one step, parallel guesses cannot overtake the budget.
   */
  attemptTotp(attempt: TotpAttempt): Promise<TotpAttemptResult>;
  /** A successful verification: the count, the lock and the lock level are gone. */
  clearAttempts(userId: string): Promise<void>;
  /**
   * Consumes a TOTP time step of one factor (secret): true exactly once per step, and never
   * for a step at or before one already consumed (so an older code of the window cannot be
   * used after a newer one either). `ttlMs` is how long the record must outlive the window.
   */
  consumeTimeStep(userId: string, factorId: string, timeStep: number, ttlMs: number): Promise<boolean>;
  /** Takes the user's enrolment mutex for `ttlMs`; resolves to a token, or null when it is held. */
  acquireLock(userId: string, ttlMs: number): Promise<string | null>;
  /** Releases the mutex if `token` still holds it. */
  releaseLock(userId: string, token: string): Promise<void>;
}

/** Backoff length of the `level`-th lock (1-based): doubling from the base, capped. */
export function lockoutDurationFor(level: number, policy: AttemptPolicy): number {
  return Math.min(policy.lockoutDuration * 2 ** Math.min(level - 1, 40), policy.maxLockoutDuration);
}

/** Attempt counters outlive the last attempt (or the lock's end) by this much. */
export const ATTEMPT_MEMORY_MS = 24 * 60 * 60_000;
