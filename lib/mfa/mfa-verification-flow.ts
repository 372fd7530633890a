import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import { MfaLockedException, MfaNotEnrolledException } from '../errors/mfa.exceptions.js';
import { InvalidMfaCodeException, MfaNotPendingException, UnauthenticatedException } from '../errors/session.exceptions.js';
import { describeError } from '../errors/describe-error.js';
import type { MfaOutcome, MfaPurpose } from '../events/mfa.event.js';
import type { CurrentSessionInfo } from '../session.types.js';
import type { MfaFlowDeps } from './mfa-flow-deps.js';
import { checkCodeShape, fullAuth } from './mfa-request-checks.js';
import { factorId, NO_FACTOR, revisionOf } from './mfa-revision.js';
import type { MfaEnrollment } from './mfa-secret-store.interface.js';
import type { AttemptDecision } from './mfa-state-store.interface.js';
import { RecoveryCodes } from './recovery-codes.js';


/**
 * Checking a second factor: the TOTP step after the password, step-up, recovery codes, and
 * the attempt budget and lock around them.
 */
export class MfaVerificationFlow {
  constructor(private readonly deps: MfaFlowDeps) {}

  /** See MfaService.verify. */
  async verify(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    const checked = checkCodeShape(code);
    if (auth.mfa !== 'pending') throw new MfaNotPendingException();
    const enrollment = await this.deps.mfa.secretStore.find(auth.user.id);
    await this.checkTotp(req, auth.user.id, checked, 'login', enrollment);
    return this.deps.sessions.completeMfa(req, this.deps.clock(), revisionOf(enrollment));
  }

  /** See MfaService.stepUp. */
  async stepUp(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const { secretStore } = this.deps.mfa;
    const auth = fullAuth(req);
    const checked = checkCodeShape(code);
    // One read of the enrolment serves both the check and the code.
    const enrollment = await secretStore.find(auth.user.id);
    if (enrollment == null) throw new MfaNotEnrolledException();
    await this.checkTotp(req, auth.user.id, checked, 'step_up', enrollment);
    return this.deps.sessions.completeMfa(req, this.deps.clock(), revisionOf(enrollment));
  }

  /** See MfaService.useRecoveryCode. */
  async useRecoveryCode(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const { secretStore } = this.deps.mfa;
    const { access, reporter } = this.deps;
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    const normalized = RecoveryCodes.normalize(code);
    if (normalized === undefined) {
      throw new BadRequestException({ error: 'invalid_request', message: 'code must be a recovery code: 16 characters, as shown (xxxx-xxxx-xxxx-xxxx) or with spaces or nothing between the groups; case does not matter.' });
    }
    if (auth.mfa !== 'pending') throw new MfaNotPendingException();
    const userId = auth.user.id;
    const decision = await this.beginAttempt(req, userId, 'login', 'recovery_code');
    const hash = RecoveryCodes.hash(userId, normalized);
    const spent = await access.withEnrollmentLock(userId, async () => {
      const enrollment = await secretStore.find(userId);
      const hashes = enrollment?.recoveryCodes ?? [];
      const index = RecoveryCodes.indexOf(hashes, hash);
      if (!enrollment || index === -1) return undefined;
      const remaining = hashes.filter((_, i) => i !== index);
      // Spending a code is no change of factors: the revision stays.
      await secretStore.save(userId, { ...enrollment, recoveryCodes: remaining });
      return { left: remaining.length, revision: revisionOf(enrollment) };
    });
    if (spent === undefined) this.refuse(req, userId, decision.lockedUntil, 'failed', 'login', 'recovery_code');
    await access.call(access.state.clearAttempts(userId));
    reporter.emit(req, userId, 'recovery_code_used', 'login', { method: 'recovery_code', recoveryCodesLeft: spent.left });
    return this.deps.sessions.completeMfa(req, this.deps.clock(), spent.revision);
  }

  /** See MfaService.unlock. */
  async unlock(userId: string): Promise<void> {
    const { access } = this.deps;
    await access.call(access.state.clearAttempts(userId));
  }

  /**
   * The shared TOTP check against the user's own enrolment (read by the caller): lock, replay
   * and attempt budget in one atomic step of the state store (one round trip on Redis), then
   * events. A user without an enrolment (turned off meanwhile) counts a failed attempt like a
   * wrong code; returns only when the code was accepted.
   */
  private async checkTotp(req: Request, userId: string, code: string, purpose: MfaPurpose, enrollment: MfaEnrollment | null): Promise<void> {
    const { maxAttempts, lockoutDuration, maxLockoutDuration } = this.deps.mfa;
    const { access, sealer, totp, reporter } = this.deps;
    const secret = enrollment ? sealer.open(enrollment.secret, userId) : undefined;
    const match = secret === undefined ? null : await totp.verify(secret, code);
    const now = this.deps.clock();
    const result = await access.call(
      access.state.attemptTotp({
        userId,
        factorId: secret === undefined ? NO_FACTOR : factorId(secret),
        matchedStep: match?.timeStep,
        policy: { maxAttempts, lockoutDuration, maxLockoutDuration },
        now,
        stepTtlMs: access.stepMemoryMs(),
      }),
    );
    if (result.outcome === 'locked') this.refuseLocked(req, userId, purpose, 'totp', result.lockedUntil, now);
    if (result.outcome !== 'accepted') {
      const outcome = result.outcome === 'replayed' ? 'replay_refused' : 'failed';
      this.refuse(req, userId, result.lockedUntil, outcome, purpose, 'totp');
    }
    reporter.emit(req, userId, 'verified', purpose, { method: 'totp' });
    await this.reencryptIfOld(userId, enrollment!, secret!);
  }

  /** Counts the attempt up front; a locked account answers 429 with Retry-After. */
  private async beginAttempt(
    req: Request,
    userId: string,
    purpose: MfaPurpose,
    method: 'totp' | 'recovery_code',
  ): Promise<AttemptDecision> {
    const { maxAttempts, lockoutDuration, maxLockoutDuration } = this.deps.mfa;
    const { access } = this.deps;
    const now = this.deps.clock();
    const decision = await access.call(access.state.beginAttempt(userId, { maxAttempts, lockoutDuration, maxLockoutDuration }, now));
    if (!decision.allowed) this.refuseLocked(req, userId, purpose, method, decision.lockedUntil, now);
    return decision;
  }

  /** A locked account: reported, 429 with Retry-After. */
  private refuseLocked(
    req: Request,
    userId: string,
    purpose: MfaPurpose,
    method: 'totp' | 'recovery_code',
    lockedUntil: number,
    now: number,
  ): never {
    this.deps.reporter.emit(req, userId, 'refused_locked', purpose, { method, lockedUntil });
    const retryAfter = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
    req.res?.setHeader('Retry-After', String(retryAfter));
    throw new MfaLockedException(retryAfter);
  }

  /** A wrong or replayed code: reported (and the lock it started, `lockedUntil`, if any), then 401. */
  private refuse(
    req: Request,
    userId: string,
    lockedUntil: number | undefined,
    outcome: Extract<MfaOutcome, 'failed' | 'replay_refused'>,
    purpose: MfaPurpose,
    method: 'totp' | 'recovery_code',
  ): never {
    const { reporter } = this.deps;
    reporter.emit(req, userId, outcome, purpose, { method });
    if (lockedUntil !== undefined) reporter.emit(req, userId, 'locked', purpose, { method, lockedUntil });
    throw new InvalidMfaCodeException();
  }

  /** Key rotation: a secret still under an old key is re-encrypted under the first one. */
  private async reencryptIfOld(userId: string, enrollment: MfaEnrollment, secret: string): Promise<void> {
    const { access, sealer, logger } = this.deps;
    if (!sealer.isUnderOldKey(enrollment.secret)) return;
    const { secretStore } = this.deps.mfa;
    try {
      await access.withEnrollmentLock(userId, async () => {
        const current = await secretStore.find(userId);
        if (current?.secret === enrollment.secret) await secretStore.save(userId, { ...current, secret: sealer.seal(secret, userId) });
      });
    } catch (err) {
      logger.warn(`re-encrypting a TOTP secret under the current key failed; it stays under the old key: ${describeError(err)}`);
    }
  }
}
