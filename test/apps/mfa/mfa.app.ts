import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import {
  AuthenticatedGuard,
  CurrentSession,
  LoginInterceptor,
  MFA_CLOCK,
  MfaGuard,
  MfaService,
  RequireMfa,
  SessionService,
  SkipMfa,
  type CurrentSessionInfo,
} from '../../../lib/index.js';

/** How old an MFA verification may be for POST /account/sensitive in this fixture. */
export const SENSITIVE_MAX_AGE = 60_000;

/**
 * Every MFA route an app would have: the login step (TOTP or recovery code), enrolment,
 * step-up, recovery-code regeneration, disabling MFA, and routes that need a recent MFA
 * verification (`@RequireMfa`).
 */
@Controller()
class MfaController {
  constructor(
    private readonly sessions: SessionService,
    private readonly mfa: MfaService,
  ) {}

  /** Any user name logs in: the password step is not what this fixture tests. */
  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user?: string }) {
    return { id: body.user ?? 'u1', username: body.user ?? 'u1' };
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo) {
    return { userId: session.userId, mfa: session.mfa };
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  async verify(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa.verify(req, body.code);
    return { mfa: 'verified' };
  }

  @Post('mfa/recovery')
  @HttpCode(200)
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

  @Post('logout')
  @HttpCode(204)
  @SkipMfa()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }
}

@Module({ controllers: [MfaController] })
class MfaFeatureModule {}

/** The fixture around a SessionModule import, with the MFA clock replaced by `clock`. */
export async function createMfaApp(sessionModule: DynamicModule, clock: () => number): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [sessionModule, MfaFeatureModule] })
    .overrideProvider(MFA_CLOCK)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  // Plain HTTP with X-Forwarded-Proto: https, as behind a TLS proxy; req.ip from X-Forwarded-For.
  app.set('trust proxy', 'loopback');
  await app.init();
  return app;
}
