import { randomBytes } from 'node:crypto';
import {
  ATTEMPT_MEMORY_MS,
  lockoutDurationFor,
  type AttemptDecision,
  type AttemptPolicy,
  type MfaStateStore,
  type TotpAttempt,
  type TotpAttemptResult,
} from './mfa-state-store.interface.js';
import { MfaStateKeys } from './mfa-state-keys.js';

export interface MemoryMfaStateOptions {
  /**
   * At most this many entries are kept. Expired ones make room; a live one is never dropped
   * (that would forget a lock, a failure count or a consumed code): when every entry is live, a
   * write that needs a new one fails, and the MFA step answers 503 until room frees up.
   * @default 100_000
   */
  maxEntries?: number;
}

interface Attempts {
  fails: number;
  locks: number;
  lockedUntil: number;
}

interface Entry {
  value: Attempts | number | string;
  expiresAt: number;
}

/**
 * The MFA state of the embedded store: one process, in memory. JavaScript runs each method
 * to completion without interleaving, which makes every method atomic here. Like the embedded
 * session store it forgets everything on restart, and it is not for several app instances.
 * It keeps no timer: expired entries are swept while writing.
 */
export class MemoryMfaStateStore implements MfaStateStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(
    options: MemoryMfaStateOptions = {},
    /** Expiry clock (epoch ms); the attempt logic uses the `now` callers pass. */
    private readonly clock: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new Error(`MemoryMfaStateStore: maxEntries must be a positive integer, not ${String(this.maxEntries)}`);
    }
  }

  async beginAttempt(userId: string, policy: AttemptPolicy, now: number): Promise<AttemptDecision> {
    const state = this.attempts(userId);
    if (state.lockedUntil > now) return { allowed: false, lockedUntil: state.lockedUntil };
    const lockedUntil = this.countFailure(userId, state, policy, now);
    return lockedUntil === undefined ? { allowed: true } : { allowed: true, lockedUntil };
  }

  async attemptTotp({ userId, factorId, matchedStep, policy, now, stepTtlMs }: TotpAttempt): Promise<TotpAttemptResult> {
    const state = this.attempts(userId);
    if (state.lockedUntil > now) return { outcome: 'locked', lockedUntil: state.lockedUntil };
    let outcome: 'failed' | 'replayed' = 'failed';
    if (matchedStep !== undefined) {
      // No await between reading the state and writing it: that is what makes this atomic.
      if (this.consumeStep(userId, factorId, matchedStep, stepTtlMs)) {
        this.entries.delete(MfaStateKeys.attempts(userId));
        return { outcome: 'accepted' };
      }
      outcome = 'replayed';
    }
    const lockedUntil = this.countFailure(userId, state, policy, now);
    return lockedUntil === undefined ? { outcome } : { outcome, lockedUntil };
  }

  async clearAttempts(userId: string): Promise<void> {
    this.entries.delete(MfaStateKeys.attempts(userId));
  }

  async consumeTimeStep(userId: string, factorId: string, timeStep: number, ttlMs: number): Promise<boolean> {
    return this.consumeStep(userId, factorId, timeStep, ttlMs);
  }

  async acquireLock(userId: string, ttlMs: number): Promise<string | null> {
    const key = MfaStateKeys.lock(userId);
    if (this.live(key) !== undefined) return null;
    const token = randomBytes(16).toString('base64url');
    this.write(key, token, ttlMs);
    return token;
  }

  async releaseLock(userId: string, token: string): Promise<void> {
    const key = MfaStateKeys.lock(userId);
    if (this.live(key) === token) this.entries.delete(key);
  }

  /** Entries held (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  private attempts(userId: string): Attempts {
    return (this.live(MfaStateKeys.attempts(userId)) as Attempts | undefined) ?? { fails: 0, locks: 0, lockedUntil: 0 };
  }

  /** Counts one failure; the one that reaches the budget starts a lock. @returns its end, if it did */
  private countFailure(userId: string, state: Attempts, policy: AttemptPolicy, now: number): number | undefined {
    state.fails += 1;
    let lockedUntil: number | undefined;
    if (state.fails >= policy.maxAttempts) {
      state.locks += 1;
      lockedUntil = now + lockoutDurationFor(state.locks, policy);
      state.fails = 0;
      state.lockedUntil = lockedUntil;
    }
    this.write(MfaStateKeys.attempts(userId), state, Math.max((lockedUntil ?? now) - now, 0) + ATTEMPT_MEMORY_MS);
    return lockedUntil;
  }

  private consumeStep(userId: string, factorId: string, timeStep: number, ttlMs: number): boolean {
    const key = MfaStateKeys.timeStep(userId, factorId);
    const last = this.live(key) as number | undefined;
    if (last !== undefined && last >= timeStep) return false;
    this.write(key, timeStep, ttlMs);
    return true;
  }

  private live(key: string): Entry['value'] | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry?.value;
  }

  private write(key: string, value: Entry['value'], ttlMs: number): void {
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.makeRoom();
    this.entries.set(key, { value, expiresAt: this.clock() + ttlMs });
  }

  /** Drops expired entries; fails closed when every entry is still live. */
  private makeRoom(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    if (this.entries.size >= this.maxEntries) {
      throw new Error(`MemoryMfaStateStore: all ${this.maxEntries} entries are live; refusing to forget MFA state to make room`);
    }
  }
}
