import type { Request } from 'express';
import { describeError } from '../errors/describe-error.js';
import QRCode from 'qrcode';
import {
  EnrollmentExpiredException,
  EnrollmentNotStartedException,
  MfaNotEnrolledException,
  StepUpRequiredException,
} from '../errors/mfa.exceptions.js';
import { InvalidMfaCodeException } from '../errors/session.exceptions.js';
import type { PendingMfaEnrollment, SessionAuthState } from '../session.types.js';
import type { MfaFlowDeps } from './mfa-flow-deps.js';
import { checkCodeShape, fullAuth } from './mfa-request-checks.js';
import { newRevision, revisionOf } from './mfa-revision.js';
import type { MfaEnrollment } from './mfa-secret-store.interface.js';
import { RecoveryCodes } from './recovery-codes.js';
import { Totp } from './totp.js';

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

const BASE32_SECRET = /^[A-Z2-7]+$/;


/**
 * Changing a user's second factor: enrolling (from the session or imported), regenerating
 * recovery codes and turning MFA off, each under the user's enrolment lock and, for an enrolled
 * user, only after a recent verification with the current factor.
 */
export class MfaEnrollmentFlow {
  constructor(private readonly deps: MfaFlowDeps) {}

  /** See MfaService.startEnrollment. */
  async startEnrollment(req: Request): Promise<EnrollmentStart> {
    const { issuer, secretStore } = this.deps.mfa;
    const auth = fullAuth(req);
    const current = await secretStore.find(auth.user.id);
    if (current != null) this.requireRecentMfa(auth, current);
    const secret = Totp.generateSecret();
    req.session.mfaEnrollment = {
      secret: this.deps.sealer.sealPending(secret, auth.user.id),
      startedAt: this.deps.clock(),
      basis: revisionOf(current),
    };
    await this.deps.sessions.save(req);
    const label = typeof auth.user['username'] === 'string' ? auth.user['username'] : auth.user.id;
    const otpauthUrl = this.deps.totp.uri(secret, issuer, label);
    return { otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M' }) };
  }

  /** See MfaService.confirmEnrollment. */
  async confirmEnrollment(req: Request, code: unknown): Promise<RecoveryCodeSet> {
    const { secretStore } = this.deps.mfa;
    const auth = fullAuth(req);
    const userId = auth.user.id;
    const checked = checkCodeShape(code);
    const pending = req.session.mfaEnrollment;
    if (!pending) throw new EnrollmentNotStartedException();
    await this.dropIfExpired(req, pending);
    const secret = this.deps.sealer.openPending(pending.secret, userId);
    if (secret === undefined) throw new InvalidMfaCodeException(400);
    const recoveryCodes = RecoveryCodes.generate();
    const revision = newRevision();
    const outcome = await this.deps.access.withEnrollmentLock(userId, async () => {
      const current = await secretStore.find(userId);
      if (revisionOf(current) !== pending.basis) return 'superseded';
      if (current != null) this.requireRecentMfa(auth, current);
      const match = await this.deps.totp.verify(secret, checked);
      // Consuming the step also makes two parallel confirmations with one code succeed once.
      if (!match || !(await this.deps.access.consume(userId, secret, match.timeStep))) return 'invalid_code';
      await secretStore.save(userId, {
        secret: this.deps.sealer.seal(secret, userId),
        confirmedAt: this.deps.clock(),
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
    this.deps.reporter.emit(req, userId, 'enrolled', 'enrollment', { method: 'totp', recoveryCodesLeft: recoveryCodes.length });
    delete req.session.mfaEnrollment;
    await this.deps.sessions.completeMfa(req, this.deps.clock(), revision);
    await this.endOtherSessions(req);
    return { recoveryCodes };
  }

  /** See MfaService.regenerateRecoveryCodes. */
  async regenerateRecoveryCodes(req: Request): Promise<RecoveryCodeSet> {
    const { secretStore } = this.deps.mfa;
    const auth = fullAuth(req);
    const userId = auth.user.id;
    const recoveryCodes = RecoveryCodes.generate();
    const revision = newRevision();
    await this.changeEnrolled(auth, (enrollment) => {
      const hashes = recoveryCodes.map((c) => RecoveryCodes.hash(userId, c));
      return secretStore.save(userId, { ...enrollment, recoveryCodes: hashes, revision });
    });
    await this.adoptRevision(req, revision);
    this.deps.reporter.emit(req, userId, 'recovery_codes_regenerated', 'management', { recoveryCodesLeft: recoveryCodes.length });
    await this.endOtherSessions(req);
    return { recoveryCodes };
  }

  /** See MfaService.disable. */
  async disable(req: Request): Promise<void> {
    const { secretStore } = this.deps.mfa;
    const auth = fullAuth(req);
    const userId = auth.user.id;
    await this.changeEnrolled(auth, () => secretStore.remove(userId));
    await this.deps.access.call(this.deps.access.state.clearAttempts(userId));
    delete req.session.mfaEnrollment;
    await this.adoptRevision(req, revisionOf(null));
    this.deps.reporter.emit(req, userId, 'disabled', 'management', {});
    await this.endOtherSessions(req);
  }

  /** See MfaService.importEnrollment. */
  async importEnrollment(userId: string, base32Secret: string): Promise<RecoveryCodeSet> {
    const { secretStore } = this.deps.mfa;
    const secret = typeof base32Secret === 'string' ? base32Secret.replace(/=+$/, '').toUpperCase() : '';
    if (!BASE32_SECRET.test(secret) || Math.floor((secret.length * 5) / 8) < 16) {
      throw new TypeError('MfaService.importEnrollment: the secret must be Base32 of at least 16 bytes (20 recommended)');
    }
    const recoveryCodes = RecoveryCodes.generate();
    const enrollment: MfaEnrollment = {
      secret: this.deps.sealer.seal(secret, userId),
      confirmedAt: this.deps.clock(),
      recoveryCodes: recoveryCodes.map((c) => RecoveryCodes.hash(userId, c)),
      revision: newRevision(),
    };
    await this.deps.access.withEnrollmentLock(userId, () => secretStore.save(userId, enrollment));
    this.deps.reporter.emit(undefined, userId, 'enrolled', 'management', { recoveryCodesLeft: recoveryCodes.length });
    return { recoveryCodes };
  }

  /** An enrolment older than `pendingEnrollmentMaxAge`, or from before revisions existed, is dropped: 400. */
  private async dropIfExpired(req: Request, pending: PendingMfaEnrollment): Promise<void> {
    const age = this.deps.clock() - pending.startedAt;
    if (pending.basis !== undefined && age >= 0 && age <= this.deps.mfa.pendingEnrollmentMaxAge) return;
    await this.dropPending(req);
    throw new EnrollmentExpiredException('This enrolment was started too long ago; start again.');
  }

  private async dropPending(req: Request): Promise<void> {
    delete req.session.mfaEnrollment;
    await this.deps.sessions.save(req);
  }

  /**
   * After an MFA change: every other session of the user ends (`mfa.endOtherSessionsOnChange`).
   * The change is made by then, so a store failure here must not turn its answer (the new
   * recovery codes, say) into a 503: it is logged loudly, and the user can still sign the other
   * devices out from the device list.
   */
  private async endOtherSessions(req: Request): Promise<void> {
    if (!this.deps.mfa.endOtherSessionsOnChange) return;
    try {
      await this.deps.sessions.revokeOtherSessions(req, 'mfa_changed');
    } catch (err) {
      this.deps.logger.error(`an MFA change could not end the user's other sessions: ${describeError(err)}`);
    }
  }

  /**
   * Changes an enrolled user's MFA under the enrolment lock, after reading the enrolment there
   * and checking the session's step-up against it: nothing decided before the lock counts.
   */
  private async changeEnrolled(auth: SessionAuthState, change: (current: MfaEnrollment) => Promise<void>): Promise<void> {
    const userId = auth.user.id;
    await this.deps.access.withEnrollmentLock(userId, async () => {
      const current = await this.deps.mfa.secretStore.find(userId);
      if (current == null) throw new MfaNotEnrolledException();
      this.requireRecentMfa(auth, current);
      await change(current);
    });
  }

  /**
   * MFA management needs the second factor itself, recently (the password alone never counts),
   * and the factor of the user's current enrolment: a step-up made before the enrolment changed
   * elsewhere (with the old factor, perhaps the one that leaked) no longer counts.
   */
  private requireRecentMfa(auth: SessionAuthState, current: MfaEnrollment): void {
    const at = auth.mfaVerifiedAt;
    if (at === undefined || this.deps.clock() - at > this.deps.mfa.stepUpMaxAge) throw new StepUpRequiredException();
    if (auth.mfaRevision !== revisionOf(current)) {
      throw new StepUpRequiredException('Your multi-factor settings changed since you last verified; verify your current second factor.');
    }
  }

  /** After this session changed the user's MFA, its own step-up stands for the new revision. */
  private async adoptRevision(req: Request, revision: string): Promise<void> {
    const auth = req.session.auth;
    if (auth) req.session.auth = { ...auth, mfaRevision: revision };
    await this.deps.sessions.save(req);
  }
}
