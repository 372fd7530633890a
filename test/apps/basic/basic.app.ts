import { Body, Controller, ForbiddenException, Get, HttpCode, Post, Req, Res, UseGuards, UseInterceptors, Optional, type INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AuthenticatedGuard,
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  MfaService,
  SessionModule,
  SessionService,
  SkipMfa,
  type CurrentSessionInfo,
  type MfaEnrollment,
  type MfaSecretStore,
  type SessionModuleOptions,
  MfaNotConfiguredException,
} from '../../../lib/index.js';
import { createApp } from '../kit/create-app.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** Users' TOTP secrets in memory, as the app would keep them. */
export class InMemoryMfaSecrets implements MfaSecretStore {
  readonly enrollments = new Map<string, MfaEnrollment>();
  async find(userId: string) {
    return this.enrollments.get(userId) ?? null;
  }
  async save(userId: string, enrollment: MfaEnrollment) {
    this.enrollments.set(userId, enrollment);
  }
  async remove(userId: string) {
    this.enrollments.delete(userId);
  }
}

/** Login, cart, MFA and logout routes; declare it next to a SessionModule import, or use BasicFeatureModule. */
@Controller()
export class BasicController {
  constructor(
    private readonly sessions: SessionService,
    // Optional: these fixtures also run without `mfa`, where SessionModule registers no MfaService.
    @Optional() private readonly mfaService?: MfaService,
  ) {}

  private mfa(): MfaService {
    if (!this.mfaService) throw new MfaNotConfiguredException();
    return this.mfaService;
  }

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user?: string; fail?: boolean; throw?: boolean }) {
    if (body.throw) throw new ForbiddenException({ error: 'account_locked', message: 'Locked.' });
    if (body.fail) return null;
    return { id: body.user ?? 'u1', username: body.user ?? 'u1' };
  }

  @Post('cart')
  @HttpCode(204)
  addToCart(@Req() req: Request, @Body() body: { item: string }) {
    this.sessions.set(req, 'cart', body.item);
  }

  /** Anyone: the session's cart, so a test can see whether a pre-login session still holds its data. */
  @Get('cart')
  cart(@Req() req: Request) {
    return { cart: this.sessions.get(req, 'cart') ?? null };
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo, @CurrentSession('userId') userId: string, @Req() req: Request) {
    return { userId, mfa: session.mfa, cart: this.sessions.get(req, 'cart') ?? null };
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  async verify(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa().verify(req, body.code);
    return { mfa: 'verified' };
  }

  @Post('mfa/enroll')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  enroll(@Req() req: Request) {
    return this.mfa().startEnrollment(req);
  }

  @Post('mfa/enroll/confirm')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  async confirm(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa().confirmEnrollment(req, body.code);
  }

  @Post('logout')
  @HttpCode(204)
  @SkipMfa()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }
}

/** The fixture's routes in a module that does not import SessionModule (needs it global). */
@Module({ controllers: [BasicController] })
export class BasicFeatureModule {}

/** Builds the fixture around any SessionModule import (forRoot or a forRootAsync variant). */
export async function createBasicApp(sessionModule: DynamicModule, extraImports: DynamicModule[] = []): Promise<INestApplication> {
  return createApp({ imports: [sessionModule, ...extraImports, BasicFeatureModule] });
}

export function basicOptions(overrides: Partial<SessionModuleOptions> = {}): SessionModuleOptions {
  return { secret: TEST_SECRET, mfa: { secretStore: new InMemoryMfaSecrets(), issuer: 'Test' }, ...overrides };
}
