import { Body, Controller, Delete, Get, HttpCode, Optional, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import {
  AuthenticatedGuard,
  MfaGuard,
  MfaNotConfiguredException,
  MfaService,
  RequireMfa,
  SkipMfa,
} from '../../../../lib/index.js';

/** How old an MFA verification may be for POST /account/sensitive. */
export const SENSITIVE_MAX_AGE = 60_000;

/**
 * Every MFA route an app would have: the login step (TOTP or recovery code), enrolment,
 * step-up, recovery-code regeneration, disabling MFA, and routes that need a recent MFA
 * verification (`@RequireMfa`). The login-step routes are @SkipMfa(): they stay reachable
 * when an app binds MfaGuard globally.
 */
@Controller()
export class MfaRoutes {
  // Optional: apps without `mfa` have no MfaService; the routes then answer as MFA-less apps do.
  constructor(@Optional() private readonly mfaService?: MfaService) {}

  private get mfa(): MfaService {
    if (!this.mfaService) throw new MfaNotConfiguredException();
    return this.mfaService;
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @SkipMfa()
  @UseGuards(AuthenticatedGuard)
  async verify(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa.verify(req, body.code);
    return { mfa: 'verified' };
  }

  @Post('mfa/recovery')
  @HttpCode(200)
  @SkipMfa()
  @UseGuards(AuthenticatedGuard)
  async recovery(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa.useRecoveryCode(req, body.code);
    return { mfa: 'verified' };
  }

  @Post('mfa/step-up')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  async stepUp(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa.stepUp(req, body.code);
    return { mfa: 'verified' };
  }

  @Post('mfa/enroll')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  enroll(@Req() req: Request) {
    return this.mfa.startEnrollment(req);
  }

  /** 200 with the new recovery codes. */
  @Post('mfa/enroll/confirm')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  confirm(@Req() req: Request, @Body() body: { code?: unknown }) {
    return this.mfa.confirmEnrollment(req, body.code);
  }

  @Post('mfa/recovery-codes')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  regenerate(@Req() req: Request) {
    return this.mfa.regenerateRecoveryCodes(req);
  }

  @Delete('mfa')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  async disable(@Req() req: Request) {
    await this.mfa.disable(req);
  }

  @Post('account/sensitive')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  @RequireMfa({ maxAge: SENSITIVE_MAX_AGE })
  sensitive() {
    return { ok: true };
  }

  /** `@RequireMfa()` without maxAge: the module's `mfa.stepUpMaxAge`. */
  @Get('account/settings')
  @UseGuards(MfaGuard)
  @RequireMfa()
  settings() {
    return { ok: true };
  }
}
