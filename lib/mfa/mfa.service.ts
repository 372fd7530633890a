import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import QRCode from 'qrcode';
import {
  InvalidMfaCodeException,
  MfaNotConfiguredException,
  MfaNotPendingException,
  UnauthenticatedException,
} from '../errors/session.exceptions.js';
import { SessionService } from '../session.service.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../session.options.js';
import type { CurrentSessionInfo, SessionAuthState } from '../session.types.js';
import { Totp } from './totp.js';

export interface EnrollmentStart {
  /** `otpauth://totp/...`: what the QR code encodes. Shown once, during enrolment only. */
  otpauthUrl: string;
  /** A PNG data URL of the QR code, for an `<img src>`. */
  qrDataUrl: string;
}

type MfaSettings = NonNullable<ResolvedSessionOptions['mfa']>;

const CODE_SHAPE = /^\d{6}$/;

/**
 * TOTP enrolment and verification. A pending enrolment's secret waits in the server-side
 * session (never in the cookie) until a first valid code confirms it; the user's MFA does not
 * change before that.
 */
@Injectable()
export class MfaService {
  private readonly totp: Totp | undefined;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly sessions: SessionService,
  ) {
    this.totp = options.mfa ? new Totp({ pastSteps: options.mfa.pastSteps }) : undefined;
  }

  /** Whether the user must pass the TOTP step after the password. */
  async isEnrolled(userId: string): Promise<boolean> {
    return (await this.settings().secretStore.find(userId)) != null;
  }

  /** Starts enrolment for the session's user: a new secret, its URI and QR code. */
  async startEnrollment(req: Request): Promise<EnrollmentStart> {
    const { issuer } = this.settings();
    const auth = this.fullAuth(req);
    const secret = Totp.generateSecret();
    req.session.mfaEnrollment = { secret, startedAt: Date.now() };
    await this.sessions.save(req);
    const label = typeof auth.user['username'] === 'string' ? auth.user['username'] : auth.user.id;
    const otpauthUrl = this.engine().uri(secret, issuer, label);
    return { otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M' }) };
  }

  /**
   * Confirms the pending enrolment with a first valid code: from now on the user's logins
   * require MFA. A wrong code is 400 `invalid_code` and the pending enrolment stays.
   */
  async confirmEnrollment(req: Request, code: unknown): Promise<void> {
    const { secretStore } = this.settings();
    const auth = this.fullAuth(req);
    const checked = this.checkShape(code);
    const pending = req.session.mfaEnrollment;
    if (!pending) throw new BadRequestException({ error: 'enrollment_not_started', message: 'Start enrolment first.' });
    if (!(await this.engine().verify(pending.secret, checked))) throw new InvalidMfaCodeException(400);
    await secretStore.save(auth.user.id, { secret: pending.secret, confirmedAt: Date.now() });
    delete req.session.mfaEnrollment;
    await this.sessions.save(req);
  }

  /**
   * The TOTP step after the password. Checks the code against the secret of the session's own
   * user (never one the request names); on success the session ID is regenerated.
   */
  async verify(req: Request, code: unknown): Promise<CurrentSessionInfo> {
    const { secretStore } = this.settings();
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    const checked = this.checkShape(code);
    if (auth.mfa !== 'pending') throw new MfaNotPendingException();
    const enrollment = await secretStore.find(auth.user.id);
    if (!enrollment || !(await this.engine().verify(enrollment.secret, checked))) {
      throw new InvalidMfaCodeException();
    }
    return this.sessions.completeMfa(req);
  }

  private checkShape(code: unknown): string {
    if (typeof code !== 'string' || !CODE_SHAPE.test(code)) {
      throw new BadRequestException({ error: 'invalid_request', message: 'code must be a string of 6 digits.' });
    }
    return code;
  }

  private fullAuth(req: Request): SessionAuthState {
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    return auth;
  }

  private settings(): MfaSettings {
    if (!this.options.mfa) throw new MfaNotConfiguredException();
    return this.options.mfa;
  }

  private engine(): Totp {
    if (!this.totp) throw new MfaNotConfiguredException();
    return this.totp;
  }
}
