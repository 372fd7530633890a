import { Controller, HttpCode, Optional, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AuthenticatedGuard,
  LoginInterceptor,
  MfaGuard,
  MfaService,
  OidcService,
  SessionService,
  SkipMfa,
} from '../../lib/index.js';
import { JsonBody } from '../http/json-body.js';
import { RecoveryCodeDto } from '../mfa/dto/recovery-code.dto.js';
import { TotpCodeDto } from '../mfa/dto/totp-code.dto.js';
import { UserRepository, type PublicUser } from '../users/user.repository.js';
import { LoginDto } from './dto/login.dto.js';
import { LoginThrottle, LoginThrottledException } from './login-throttle.js';

/** Password login, the MFA step (TOTP or a recovery code), step-up and logout. */
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
    private readonly throttle: LoginThrottle,
    // Registered only when OIDC_ISSUER is set.
    @Optional() private readonly oidc?: OidcService,
  ) {}

  /**
   * Returns the user or null; LoginInterceptor turns null into 401 `invalid_credentials` and a
   * user into a new session (new ID, fixation-safe) and `{ user, mfa }`. Malformed input is 400
   * and not counted; every other attempt passes the throttle first (429 `throttled`).
   */
  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  async login(@Req() req: Request, @JsonBody() { username, password }: LoginDto): Promise<PublicUser | null> {
    const attempt = await this.beginAttempt(req, username);
    const user = await this.users.verifyCredentials(username, password);
    if (user) {
      await attempt.succeeded();
    } else {
      await attempt.failed();
      // With the account's ID the failure reaches that user's security activity log.
      const userId = this.users.idOf(username);
      this.sessions.recordLoginFailure(req, { username, reason: 'invalid_credentials', ...(userId ? { userId } : {}) });
    }
    return user;
  }

  /** The throttle's verdict; a refusal is a `login_failed` event too (someone may be guessing). */
  private async beginAttempt(req: Request, username: string) {
    try {
      return await this.throttle.begin(username, req.ip);
    } catch (err) {
      if (err instanceof LoginThrottledException) this.sessions.recordLoginFailure(req, { username, reason: 'throttled' });
      throw err;
    }
  }

  /** The second step for users enrolled in MFA; the session ID changes again on success. */
  @Post('mfa/verify')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  @SkipMfa()
  async verifyMfa(@Req() req: Request, @JsonBody() { code }: TotpCodeDto): Promise<{ mfa: 'verified' }> {
    await this.mfa.verify(req, code);
    return { mfa: 'verified' };
  }

  /** The second step with a recovery code instead (the module checks its shape and spends it). */
  @Post('mfa/recovery')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  @SkipMfa()
  async useRecoveryCode(@Req() req: Request, @JsonBody() { code }: RecoveryCodeDto): Promise<{ mfa: 'verified' }> {
    await this.mfa.useRecoveryCode(req, code);
    return { mfa: 'verified' };
  }

  /** A fully authenticated user proves the second factor again (for MFA changes); new session ID. */
  @Post('mfa/step-up')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  // Reachable while an anomaly demands a step-up (MfaService still refuses a session whose MFA is pending).
  @SkipMfa()
  async stepUp(@Req() req: Request, @JsonBody() { code }: TotpCodeDto): Promise<{ mfa: 'verified' }> {
    await this.mfa.stepUp(req, code);
    return { mfa: 'verified' };
  }

  /** Anyone may log out: the record dies, the cookie expires, the browser drops site data. */
  /**
   * 204; for a session signed in through single sign-on, 200 `{ redirect }`: the provider's
   * end-session URL (with id_token_hint), where the page sends the browser to sign out there too.
   */
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ redirect: string } | void> {
    if (!this.oidc) return this.sessions.logout(req, res);
    const { endSessionUrl } = await this.oidc.logout(req, res);
    if (endSessionUrl === undefined) return;
    res.status(200);
    return { redirect: endSessionUrl };
  }
}
