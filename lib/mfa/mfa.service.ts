import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { ResolvedMfaOptions, ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RESOLVED_MFA_OPTIONS, RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { SessionService } from '../session.service.js';
import type { CurrentSessionInfo, SessionAuthState } from '../session.types.js';
import { MfaEnrollmentFlow, type EnrollmentStart, type RecoveryCodeSet } from './mfa-enrollment-flow.js';
import { MfaEventReporter } from './mfa-event-reporter.js';
import { MfaStateAccess } from './mfa-state-access.js';
import type { MfaStateStore } from './mfa-state-store.interface.js';
import { MfaVerificationFlow } from './mfa-verification-flow.js';
import { MFA_CLOCK, MFA_STATE_STORE, type MfaClock } from './mfa.constants.js';
import { RecentMfaCheck } from './recent-mfa-check.js';
import { Totp } from './totp.js';
import { TotpSecretSealer } from './totp-secret-sealer.js';

export type { EnrollmentStart, RecoveryCodeSet } from './mfa-enrollment-flow.js';

/**
 * TOTP MFA that holds under attack: every time step is consumed once per user across sessions
 * and app instances, failed codes lock the account with a growing backoff, recovery codes are
 * single-use, secrets are encrypted at rest, and sensitive changes need a recent verification.
 * Codes are always checked against the secret of the session's own user, never one the
 * request names. Every outcome is reported as a security event (see `SessionEvents`).
 *
 * Registered only when SessionModule has `mfa`. The work is done by {@link MfaEnrollmentFlow}
 * (changing factors) and {@link MfaVerificationFlow} (checking them).
 */
@Injectable()
export class MfaService {
  private readonly enrollment: MfaEnrollmentFlow;
  private readonly verification: MfaVerificationFlow;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) options: ResolvedSessionOptions,
    @Inject(RESOLVED_MFA_OPTIONS) private readonly mfa: ResolvedMfaOptions,
    sessions: SessionService,
    events: SessionEventEmitter,
    @Inject(MFA_STATE_STORE) state: MfaStateStore,
    @Inject(MFA_CLOCK) clock: MfaClock,
    private readonly recentMfa: RecentMfaCheck,
  ) {
    const logger = new Logger('MfaService');
    const shared = {
      mfa,
      sessions,
      access: new MfaStateAccess(state, options.storeTimeout, mfa.pastSteps, logger),
      sealer: new TotpSecretSealer(mfa.encryptionKeys, logger),
      totp: new Totp({ pastSteps: mfa.pastSteps }, () => clock()),
      reporter: new MfaEventReporter(events, clock),
      clock,
    };
    this.enrollment = new MfaEnrollmentFlow({ ...shared, logger });
    this.verification = new MfaVerificationFlow({ ...shared, logger });
  }

  /** Whether the user must pass the TOTP step after the password. */
  async isEnrolled(userId: string): Promise<boolean> {
    return (await this.mfa.secretStore.find(userId)) != null;
  }

  /**
   * Whether the session verified MFA within `maxAge` (for `@RequireMfa()`). A session whose
   * user had no MFA at login counts from its password step instead.
   */
  isRecentlyVerified(auth: SessionAuthState, maxAge?: number): boolean {
    return this.recentMfa.isRecentlyVerified(auth, maxAge);
  }

  /**
   * Starts enrolment for the session's user: a new secret, its URI and QR code. The secret
   * waits, encrypted, in the server-side session until confirmed, for at most
   * `mfa.pendingEnrollmentMaxAge`, and only while the user's MFA stays as it is now. A user who
   * is already enrolled needs a recent MFA verification (403 `step_up_required`).
   */
  startEnrollment(req: Request): Promise<EnrollmentStart> {
    return this.enrollment.startEnrollment(req);
  }

  /**
   * Confirms the pending enrolment with a first valid code: from now on the user's logins
   * require MFA, and this session counts as MFA-verified (under a new session ID); with
   * `mfa.endOtherSessionsOnChange` every other session of the user ends. Returns the 10
   * recovery codes, which are never shown again. A wrong code is 400 `invalid_code` and the
   * pending enrolment stays.
   *
   * Everything that decides whether the change may happen is checked again under the user's
   * enrolment lock, at the moment of the change: the user's enrolment must still be the one the
   * pending enrolment started from (else 400 `enrollment_expired`, and it is dropped), and an
   * enrolled user still needs a recent MFA verification. So an enrolment left pending in an old
   * session cannot replace a factor the user set up since, on any instance.
   */
  confirmEnrollment(req: Request, code: unknown): Promise<RecoveryCodeSet> {
    return this.enrollment.confirmEnrollment(req, code);
  }

  /**
   * The TOTP step after the password, on a session waiting for MFA. On success the session
   * ID is regenerated. Wrong or reused codes: 401 `invalid_code`; locked account: 429
   * `locked` with Retry-After; malformed code: 400 (not counted).
   */
  verify(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    return this.verification.verify(req, code);
  }

  /**
   * Step-up: a fully authenticated session verifies a TOTP code again, which satisfies
   * `@RequireMfa()` and MFA changes for `stepUpMaxAge`, under a new session ID. Same answers
   * as {@link verify}; 400 `mfa_not_enrolled` for a user without MFA.
   */
  stepUp(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    return this.verification.stepUp(req, code);
  }

  /**
   * Completes the login step with a recovery code instead of a TOTP code; the code is spent
   * (atomically: of two parallel uses, one succeeds). Wrong codes count toward the lock.
   */
  useRecoveryCode(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    return this.verification.useRecoveryCode(req, code);
  }

  /**
   * A new set of 10 recovery codes; the old set dies. Needs a recent MFA verification, checked
   * with the enrolment under the user's lock. Ends the user's other sessions with
   * `mfa.endOtherSessionsOnChange`.
   */
  regenerateRecoveryCodes(req: Request): Promise<RecoveryCodeSet> {
    return this.enrollment.regenerateRecoveryCodes(req);
  }

  /**
   * Turns MFA off for the session's user. Needs a recent MFA verification, checked with the
   * enrolment under the user's lock. Ends the user's other sessions with
   * `mfa.endOtherSessionsOnChange`.
   */
  disable(req: Request): Promise<void> {
    return this.enrollment.disable(req);
  }

  /** Clears the user's failed-attempt count, lock and lock level (for a support desk, after verifying the person). */
  unlock(userId: string): Promise<void> {
    return this.verification.unlock(userId);
  }

  /**
   * Enrols a user with a Base32 secret that exists elsewhere (migrating from another TOTP
   * system, seeding test users): encrypts it, stores it and returns new recovery codes.
   * Not for request handlers: the secret must come from a trusted source.
   */
  importEnrollment(userId: string, base32Secret: string): Promise<RecoveryCodeSet> {
    return this.enrollment.importEnrollment(userId, base32Secret);
  }
}
