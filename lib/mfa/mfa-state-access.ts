import type { Logger } from '@nestjs/common';
import { MfaBusyException } from '../errors/mfa.exceptions.js';
import { describeError } from '../errors/describe-error.js';
import { failClosed } from '../store/store-failure.js';
import { withTimeout } from '../store/store-timeout.js';
import type { MfaStateStore } from './mfa-state-store.interface.js';
import { factorId } from './mfa-revision.js';

/** The enrolment mutex outlives any sane secretStore round trip; waiting for it is bounded. */
const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 3_000;

/** MfaService's calls to the MFA state store: bounded, fail closed, and the per-user enrolment lock. */
export class MfaStateAccess {
  constructor(
    readonly state: MfaStateStore,
    private readonly storeTimeout: number,
    private readonly pastSteps: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Fail closed: a state store that fails or does not answer within `storeTimeout` is 503,
   * never a pass, never a 500 and never a hang.
   */
  call<T>(operation: Promise<T>): Promise<T> {
    return failClosed(withTimeout(operation, this.storeTimeout, 'MFA state'), 'MFA state store');
  }

  /** Marks the time step of `secret` used; false when it already was. */
  consume(userId: string, secret: string, timeStep: number): Promise<boolean> {
    return this.call(this.state.consumeTimeStep(userId, factorId(secret), timeStep, this.stepMemoryMs()));
  }

  /** A consumed step matters while its code is inside the window; a step later it is moot. */
  stepMemoryMs(): number {
    return (this.pastSteps + 2) * 30_000 + 30_000;
  }

  /** Runs `fn` holding the user's enrolment mutex, so read-modify-writes of the app's record never interleave. */
  async withEnrollmentLock<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    let token: string | null;
    while ((token = await this.call(this.state.acquireLock(userId, LOCK_TTL_MS))) === null) {
      if (Date.now() - started > LOCK_WAIT_MS) throw new MfaBusyException();
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.floor(Math.random() * 20)));
    }
    try {
      return await fn();
    } finally {
      await withTimeout(this.state.releaseLock(userId, token), this.storeTimeout, 'MFA lock release').catch((err: unknown) =>
        this.logger.warn(`releasing an MFA lock failed: ${describeError(err)}`),
      );
    }
  }
}
