import { createHash, randomBytes } from 'node:crypto';
import { BadRequestException, HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import QRCode from 'qrcode';
import {
  EnrollmentExpiredException,
  EnrollmentNotStartedException,
  MfaBusyException,
  MfaLockedException,
  MfaNotEnrolledException,
  MfaSecretUnreadableException,
  StepUpRequiredException,
} from '../errors/mfa.exceptions.js';
import {
  InvalidMfaCodeException,
  MfaNotPendingException,
  MfaRequiredException,
  SessionStoreUnavailableException,
  UnauthenticatedException,
} from '../errors/session.exceptions.js';
import type { MfaEvent, MfaOutcome, MfaPurpose } from '../events/mfa.event.js';
import { SessionEvents } from '../events/session-events.js';
import { SessionService } from '../session.service.js';
import { RESOLVED_MFA_OPTIONS, RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedMfaOptions, ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { withTimeout } from '../store/store-timeout.js';
import type { CurrentSessionInfo, PendingMfaEnrollment, SessionAuthState } from '../session.types.js';
import type { MfaEnrollment } from './mfa-secret-store.interface.js';
import type { AttemptDecision, MfaStateStore } from './mfa-state-store.interface.js';
import { MFA_CLOCK, MFA_STATE_STORE, type MfaClock } from './mfa.constants.js';
import { RecoveryCodes } from './recovery-codes.js';
import { SecretCipher, SecretDecryptionError } from './secret-cipher.js';
import { Totp } from './totp.js';
import { RecentMfaCheck } from './recent-mfa-check.js';
import { describeError } from '../errors/describe-error.js';

export interface EnrollmentStart {
  /** `otpauth://totp/...`: what the QR code encodes. Shown once, during enrolment only. */
  otpauthUrl: string;
  /** A PNG data URL of the QR code, for an `<img src>`. */
  qrDataUrl: string;
}

/** Recovery codes to show the user once; only their hashes are kept. */
export interface RecoveryCodeSet {
  recoveryCodes: string[];
}

const CODE_SHAPE = /^[0-9]{6}$/;
const BASE32_SECRET = /^[A-Z2-7]+$/;
/** The enrolment mutex outlives any sane secretStore round trip; waiting for it is bounded. */
const LOCK_TTL_MS = 10_000;
const LOCK_WAIT_MS = 3_000;

/**
 * TOTP MFA that holds under attack: every time step is consumed once per user across sessions
 * and app instances, failed codes lock the account with a growing backoff, recovery codes are
 * single-use, secrets are encrypted at rest, and sensitive changes need a recent verification.
 * Codes are always checked against the secret of the session's own user, never one the
 * request names. Every outcome is reported through {@link SessionEvents}.
 */
@Injectable()
export class MfaService {
  private readonly logger = new Logger('MfaService');
  private readonly totp: Totp;
  private readonly cipher: SecretCipher;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(RESOLVED_MFA_OPTIONS) private readonly mfa: ResolvedMfaOptions,
    private readonly sessions: SessionService,
    private readonly events: SessionEvents,
    @Inject(MFA_STATE_STORE) private readonly state: MfaStateStore,
    @Inject(MFA_CLOCK) private readonly clock: MfaClock,
    private readonly recentMfa: RecentMfaCheck,
  ) {
    this.totp = new Totp({ pastSteps: mfa.pastSteps }, () => this.clock());
    this.cipher = new SecretCipher(mfa.encryptionKeys);
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
  async startEnrollment(req: Request): Promise<EnrollmentStart> {
    const { issuer, secretStore } = this.mfa;
    const auth = this.fullAuth(req);
    const current = await secretStore.find(auth.user.id);
    if (current != null) this.requireRecentMfa(auth, current);
    const secret = Totp.generateSecret();
    req.session.mfaEnrollment = {
      secret: this.sealPending(secret, auth.user.id),
      startedAt: this.clock(),
      basis: revisionOf(current),
    };
    await this.sessions.save(req);
    const label = typeof auth.user['username'] === 'string' ? auth.user['username'] : auth.user.id;
    const otpauthUrl = this.totp.uri(secret, issuer, label);
    return { otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M' }) };
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
  async confirmEnrollment(req: Request, code: unknown): Promise<RecoveryCodeSet> {
    const { secretStore } = this.mfa;
    const auth = this.fullAuth(req);
    const userId = auth.user.id;
    const checked = this.checkShape(code);
    const pending = req.session.mfaEnrollment;
    if (!pending) throw new EnrollmentNotStartedException();
    await this.dropIfExpired(req, pending);
    const secret = this.openPending(pending.secret, userId);
    if (secret === undefined) throw new InvalidMfaCodeException(400);
    const recoveryCodes = RecoveryCodes.generate();
    const revision = newRevision();
    const outcome = await this.withEnrollmentLock(userId, async () => {
      const current = await secretStore.find(userId);
      if (revisionOf(current) !== pending.basis) return 'superseded';
      if (current != null) this.requireRecentMfa(auth, current);
      const match = await this.totp.verify(secret, checked);
      // Consuming the step also makes two parallel confirmations with one code succeed once.
      if (!match || !(await this.consume(userId, secret, match.timeStep))) return 'invalid_code';
      await secretStore.save(userId, {
        secret: this.seal(secret, userId),
        confirmedAt: this.clock(),
        recoveryCodes: recoveryCodes.map((c) => RecoveryCodes.hash(userId, c)),
        revision,
      });
      return 'saved';
    });
    if (outcome === 'superseded') {
      await this.dropPending(req);
      throw new EnrollmentExpiredException('Your multi-factor settings changed since this enrolment started; start again.');
    }
    if (outcome === 'invalid_code') throw new InvalidMfaCodeException(400);
    this.emit(req, userId, 'enrolled', 'enrollment', { method: 'totp', recoveryCodesLeft: recoveryCodes.length });
    delete req.session.mfaEnrollment;
    await this.sessions.completeMfa(req, this.clock(), revision);
    await this.endOtherSessions(req);
    return { recoveryCodes };
  }

  /**
   * The TOTP step after the password, on a session waiting for MFA. On success the session
   * ID is regenerated. Wrong or reused codes: 401 `invalid_code`; locked account: 429
   * `locked` with Retry-After; malformed code: 400 (not counted).
   */
  async verify(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    const checked = this.checkShape(code);
    if (auth.mfa !== 'pending') throw new MfaNotPendingException();
    const enrollment = await this.checkTotp(req, auth.user.id, checked, 'login');
    return this.sessions.completeMfa(req, this.clock(), revisionOf(enrollment));
  }

  /**
   * Step-up: a fully authenticated session verifies a TOTP code again, which satisfies
   * `@RequireMfa()` and MFA changes for `stepUpMaxAge`, under a new session ID. Same answers
   * as {@link verify}; 400 `mfa_not_enrolled` for a user without MFA.
   */
  async stepUp(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const { secretStore } = this.mfa;
    const auth = this.fullAuth(req);
    const checked = this.checkShape(code);
    if ((await secretStore.find(auth.user.id)) == null) throw new MfaNotEnrolledException();
    const enrollment = await this.checkTotp(req, auth.user.id, checked, 'step_up');
    return this.sessions.completeMfa(req, this.clock(), revisionOf(enrollment));
  }

  /**
   * Completes the login step with a recovery code instead of a TOTP code; the code is spent
   * (atomically: of two parallel uses, one succeeds). Wrong codes count toward the lock.
   */
  async useRecoveryCode(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const { secretStore } = this.mfa;
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
    const spent = await this.withEnrollmentLock(userId, async () => {
      const enrollment = await secretStore.find(userId);
      const hashes = enrollment?.recoveryCodes ?? [];
      const index = RecoveryCodes.indexOf(hashes, hash);
      if (!enrollment || index === -1) return undefined;
      const remaining = hashes.filter((_, i) => i !== index);
      // Spending a code is no change of factors: the revision stays.
      await secretStore.save(userId, { ...enrollment, recoveryCodes: remaining });
      return { left: remaining.length, revision: revisionOf(enrollment) };
    });
    if (spent === undefined) this.refuse(req, userId, decision, 'failed', 'login', 'recovery_code');
    await this.storeCall(this.state.clearAttempts(userId));
    this.emit(req, userId, 'recovery_code_used', 'login', { method: 'recovery_code', recoveryCodesLeft: spent.left });
    return this.sessions.completeMfa(req, this.clock(), spent.revision);
  }

  /**
   * A new set of 10 recovery codes; the old set dies. Needs a recent MFA verification, checked
   * with the enrolment under the user's lock. Ends the user's other sessions with
   * `mfa.endOtherSessionsOnChange`.
   */
  async regenerateRecoveryCodes(req: Request): Promise<RecoveryCodeSet> {
    const { secretStore } = this.mfa;
    const auth = this.fullAuth(req);
    const userId = auth.user.id;
    const recoveryCodes = RecoveryCodes.generate();
    const revision = newRevision();
    await this.withEnrollmentLock(userId, async () => {
      const enrollment = await secretStore.find(userId);
      if (!enrollment) throw new MfaNotEnrolledException();
      this.requireRecentMfa(auth, enrollment);
      const hashes = recoveryCodes.map((c) => RecoveryCodes.hash(userId, c));
      await secretStore.save(userId, { ...enrollment, recoveryCodes: hashes, revision });
    });
    await this.adoptRevision(req, revision);
    this.emit(req, userId, 'recovery_codes_regenerated', 'management', { recoveryCodesLeft: recoveryCodes.length });
    await this.endOtherSessions(req);
    return { recoveryCodes };
  }

  /**
   * Turns MFA off for the session's user. Needs a recent MFA verification, checked with the
   * enrolment under the user's lock. Ends the user's other sessions with
   * `mfa.endOtherSessionsOnChange`.
   */
  async disable(req: Request): Promise<void> {
    const { secretStore } = this.mfa;
    const auth = this.fullAuth(req);
    const userId = auth.user.id;
    await this.withEnrollmentLock(userId, async () => {
      const current = await secretStore.find(userId);
      if (current == null) throw new MfaNotEnrolledException();
      this.requireRecentMfa(auth, current);
      await secretStore.remove(userId);
    });
    await this.storeCall(this.state.clearAttempts(userId));
    delete req.session.mfaEnrollment;
    await this.adoptRevision(req, revisionOf(null));
    this.emit(req, userId, 'disabled', 'management', {});
    await this.endOtherSessions(req);
  }

  /** Clears the user's failed-attempt count, lock and lock level (for a support desk, after verifying the person). */
  async unlock(userId: string): Promise<void> {
    await this.storeCall(this.state.clearAttempts(userId));
  }

  /**
   * Enrols a user with a Base32 secret that exists elsewhere (migrating from another TOTP
   * system, seeding test users): encrypts it, stores it and returns new recovery codes.
   * Not for request handlers: the secret must come from a trusted source.
   */
  async importEnrollment(userId: string, base32Secret: string): Promise<RecoveryCodeSet> {
    const { secretStore } = this.mfa;
    const secret = typeof base32Secret === 'string' ? base32Secret.replace(/=+$/, '').toUpperCase() : '';
    if (!BASE32_SECRET.test(secret) || Math.floor((secret.length * 5) / 8) < 16) {
      throw new TypeError('MfaService.importEnrollment: the secret must be Base32 of at least 16 bytes (20 recommended)');
    }
    const recoveryCodes = RecoveryCodes.generate();
    const enrollment: MfaEnrollment = {
      secret: this.seal(secret, userId),
      confirmedAt: this.clock(),
      recoveryCodes: recoveryCodes.map((c) => RecoveryCodes.hash(userId, c)),
      revision: newRevision(),
    };
    await this.withEnrollmentLock(userId, () => secretStore.save(userId, enrollment));
    this.emit(undefined, userId, 'enrolled', 'management', { recoveryCodesLeft: recoveryCodes.length });
    return { recoveryCodes };
  }

  /**
   * The shared TOTP check: the user's own secret, then lock, replay and attempt budget in one
   * atomic step of the state store (one round trip on Redis), then events. A user without an
   * enrolment (turned off meanwhile) counts a failed attempt like a wrong code.
   */
  private async checkTotp(req: Request, userId: string, code: string, purpose: MfaPurpose): Promise<MfaEnrollment> {
    const { maxAttempts, lockoutDuration, maxLockoutDuration } = this.mfa;
    const enrollment = await this.mfa.secretStore.find(userId);
    const secret = enrollment ? this.open(enrollment.secret, userId) : undefined;
    const match = secret === undefined ? null : await this.totp.verify(secret, code);
    const now = this.clock();
    const result = await this.storeCall(
      this.state.attemptTotp(
        userId,
        secret === undefined ? NO_FACTOR : factorId(secret),
        match?.timeStep,
        { maxAttempts, lockoutDuration, maxLockoutDuration },
        now,
        this.stepMemoryMs(),
      ),
    );
    if (result.outcome === 'locked') this.refuseLocked(req, userId, purpose, 'totp', result.lockedUntil, now);
    if (result.outcome !== 'accepted') {
      const outcome = result.outcome === 'replayed' ? 'replay_refused' : 'failed';
      this.refuse(req, userId, { allowed: true, lockedUntil: result.lockedUntil }, outcome, purpose, 'totp');
    }
    this.emit(req, userId, 'verified', purpose, { method: 'totp' });
    await this.reencryptIfOld(userId, enrollment!, secret!);
    return enrollment!;
  }

  /** Counts the attempt up front; a locked account answers 429 with Retry-After. */
  private async beginAttempt(
    req: Request,
    userId: string,
    purpose: MfaPurpose,
    method: 'totp' | 'recovery_code',
  ): Promise<AttemptDecision> {
    const { maxAttempts, lockoutDuration, maxLockoutDuration } = this.mfa;
    const now = this.clock();
    const decision = await this.storeCall(
      this.state.beginAttempt(userId, { maxAttempts, lockoutDuration, maxLockoutDuration }, now),
    );
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
    this.emit(req, userId, 'refused_locked', purpose, { method, lockedUntil });
    const retryAfter = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
    req.res?.setHeader('Retry-After', String(retryAfter));
    throw new MfaLockedException(retryAfter);
  }

  /** A wrong or replayed code: reported (and the lock it started, if any), then 401. */
  private refuse(
    req: Request,
    userId: string,
    decision: AttemptDecision,
    outcome: Extract<MfaOutcome, 'failed' | 'replay_refused'>,
    purpose: MfaPurpose,
    method: 'totp' | 'recovery_code',
  ): never {
    this.emit(req, userId, outcome, purpose, { method });
    if (decision.lockedUntil !== undefined) this.emit(req, userId, 'locked', purpose, { method, lockedUntil: decision.lockedUntil });
    throw new InvalidMfaCodeException();
  }

  private async consume(userId: string, secret: string, timeStep: number): Promise<boolean> {
    return this.storeCall(this.state.consumeTimeStep(userId, factorId(secret), timeStep, this.stepMemoryMs()));
  }

  /** A consumed step matters while its code is inside the window; a step later it is moot. */
  private stepMemoryMs(): number {
    return (this.mfa.pastSteps + 2) * 30_000 + 30_000;
  }

  /** Key rotation: a secret still under an old key is re-encrypted under the first one. */
  private async reencryptIfOld(userId: string, enrollment: MfaEnrollment, secret: string): Promise<void> {
    const cipher = this.cipher;
    if (SecretCipher.keyIdOf(enrollment.secret) === cipher.primaryKeyId) return;
    const { secretStore } = this.mfa;
    try {
      await this.withEnrollmentLock(userId, async () => {
        const current = await secretStore.find(userId);
        if (current?.secret === enrollment.secret) await secretStore.save(userId, { ...current, secret: this.seal(secret, userId) });
      });
    } catch (err) {
      this.logger.warn(`re-encrypting a TOTP secret under the current key failed; it stays under the old key: ${describeError(err)}`);
    }
  }

  /** Runs `fn` holding the user's enrolment mutex, so read-modify-writes of the app's record never interleave. */
  private async withEnrollmentLock<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    const started = Date.now();
    let token: string | null;
    while ((token = await this.storeCall(state.acquireLock(userId, LOCK_TTL_MS))) === null) {
      if (Date.now() - started > LOCK_WAIT_MS) throw new MfaBusyException();
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.floor(Math.random() * 20)));
    }
    try {
      return await fn();
    } finally {
      await withTimeout(state.releaseLock(userId, token), this.options.storeTimeout, 'MFA lock release').catch((err: unknown) =>
        this.logger.warn(`releasing an MFA lock failed: ${describeError(err)}`),
      );
    }
  }

  /** An enrolment older than `pendingEnrollmentMaxAge`, or from before revisions existed, is dropped: 400. */
  private async dropIfExpired(req: Request, pending: PendingMfaEnrollment): Promise<void> {
    const age = this.clock() - pending.startedAt;
    if (pending.basis !== undefined && age >= 0 && age <= this.mfa.pendingEnrollmentMaxAge) return;
    await this.dropPending(req);
    throw new EnrollmentExpiredException('This enrolment was started too long ago; start again.');
  }

  private async dropPending(req: Request): Promise<void> {
    delete req.session.mfaEnrollment;
    await this.sessions.save(req);
  }

  /** After an MFA change: every other session of the user ends (`mfa.endOtherSessionsOnChange`). */
  private async endOtherSessions(req: Request): Promise<void> {
    if (!this.mfa.endOtherSessionsOnChange) return;
    await this.sessions.revokeOtherSessions(req, 'mfa_changed');
  }

  /**
   * MFA management needs the second factor itself, recently (the password alone never counts),
   * and the factor of the user's current enrolment: a step-up made before the enrolment changed
   * elsewhere (with the old factor, perhaps the one that leaked) no longer counts.
   */
  private requireRecentMfa(auth: SessionAuthState, current: MfaEnrollment): void {
    const at = auth.mfaVerifiedAt;
    if (at === undefined || this.clock() - at > this.mfa.stepUpMaxAge) throw new StepUpRequiredException();
    if (auth.mfaRevision !== revisionOf(current)) {
      throw new StepUpRequiredException('Your multi-factor settings changed since you last verified; verify your current second factor.');
    }
  }

  /** After this session changed the user's MFA, its own step-up stands for the new revision. */
  private async adoptRevision(req: Request, revision: string): Promise<void> {
    const auth = req.session.auth;
    if (auth) req.session.auth = { ...auth, mfaRevision: revision };
    await this.sessions.save(req);
  }

  private seal(secret: string, userId: string): string {
    return this.cipher.encrypt(secret, `totp-secret\0${userId}`);
  }

  private sealPending(secret: string, userId: string): string {
    return this.cipher.encrypt(secret, `pending-totp-secret\0${userId}`);
  }

  private open(envelope: string, userId: string): string {
    try {
      return this.cipher.decrypt(envelope, `totp-secret\0${userId}`);
    } catch (err) {
      if (!(err instanceof SecretDecryptionError)) throw err;
      this.logger.error(`the TOTP secret of a user cannot be decrypted: ${err.message}`);
      throw new MfaSecretUnreadableException();
    }
  }

  /** The pending secret, or undefined when it cannot be opened (keys changed since): enrolment starts over. */
  private openPending(envelope: string, userId: string): string | undefined {
    try {
      return this.cipher.decrypt(envelope, `pending-totp-secret\0${userId}`);
    } catch {
      return undefined;
    }
  }

  private emit(
    req: Request | undefined,
    userId: string,
    outcome: MfaOutcome,
    purpose: MfaPurpose,
    extra: Pick<MfaEvent, 'method' | 'lockedUntil' | 'recoveryCodesLeft'>,
  ): void {
    this.events.emit({ type: 'mfa', outcome, userId, ip: req?.ip, timestamp: this.clock(), purpose, ...extra });
  }

  /**
   * Fail closed: a state store that fails or does not answer within `storeTimeout` is 503,
   * never a pass, never a 500 and never a hang.
   */
  private async storeCall<T>(operation: Promise<T>): Promise<T> {
    try {
      return await withTimeout(operation, this.options.storeTimeout, 'MFA state');
    } catch (err) {
      if (err instanceof HttpException) throw err;
      this.logger.error(`MFA state store failed: ${describeError(err)}`);
      throw new SessionStoreUnavailableException();
    }
  }

  private checkShape(code: unknown): string {
    if (typeof code !== 'string' || !CODE_SHAPE.test(code)) {
      throw new BadRequestException({ error: 'invalid_request', message: 'code must be a string of 6 digits.' });
    }
    return code;
  }

  /** A session past the password step and, for an enrolled user, past MFA. */
  private fullAuth(req: Request): SessionAuthState {
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    if (auth.mfa === 'pending') throw new MfaRequiredException();
    return auth;
  }
}

/**
 * Names one secret in state-store keys: a re-enrolment starts a fresh time-step track, and
 * the key shows nothing of the secret (a truncated SHA-256 of 160 random bits).
 */
function factorId(secret: string): string {
  return createHash('sha256').update(`totp-factor\0${secret}`).digest('base64url').slice(0, 16);
}

/** The factor name of a user without a readable secret: nothing is ever consumed under it. */
const NO_FACTOR = 'none';

/** What a pending enrolment remembers of the user's enrolment: `none`, or its revision. */
function revisionOf(enrollment: MfaEnrollment | null): string {
  if (enrollment == null) return 'none';
  // Enrolments saved before revisions existed: their confirmation time stands in.
  return enrollment.revision ?? `confirmed:${enrollment.confirmedAt}`;
}

function newRevision(): string {
  return randomBytes(12).toString('base64url');
}
