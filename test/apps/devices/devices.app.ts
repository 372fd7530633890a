import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
  type DynamicModule,
  type INestApplication,
  Optional,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
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
  type SessionModuleOptions,
  MfaNotConfiguredException,
} from '../../../lib/index.js';
import { InMemoryMfaSecrets, TEST_SECRET } from '../basic/basic.app.js';
// The device routes are the sample's own (docs/SAMPLE-HTTP.md), not a copy of them.
import { SessionsController } from '../../../sample/devices/sessions.controller.js';

/** Accounts an admin disabled: their logins are refused (the app's job, not the module's). */
export class DisabledAccounts {
  readonly users = new Set<string>();
}

@Controller()
class AccountController {
  constructor(
    private readonly sessions: SessionService,
    private readonly disabled: DisabledAccounts,
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
  login(@Body() body: { user?: string }) {
    const user = body.user ?? 'u1';
    if (this.disabled.users.has(user)) return null;
    return { id: user, username: user };
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo) {
    return { userId: session.userId, handle: session.handle, mfa: session.mfa };
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  async verify(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa().verify(req, body.code);
    return { mfa: 'verified' };
  }

  /** A new session ID for the same session (what ID rotation does). */
  @Post('rotate')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  async rotate(@Req() req: Request) {
    await this.sessions.regenerate(req);
  }

  /** A password change: the caller's other sessions are signed out (ASVS 7.4.3). */
  @Post('password')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  async changePassword(@Req() req: Request) {
    await this.sessions.revokeOtherSessions(req);
  }

  @Post('logout')
  @HttpCode(204)
  @SkipMfa()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }

  /** Admin actions (an admin guard protects these in a real app). */
  @Post('admin/users/:id/revoke-all')
  @HttpCode(200)
  async revokeAll(@Param('id') userId: string) {
    return { revoked: await this.sessions.revokeAllSessions(userId) };
  }

  @Post('admin/users/:id/disable')
  @HttpCode(200)
  async disable(@Param('id') userId: string) {
    this.disabled.users.add(userId);
    return { revoked: await this.sessions.revokeAllSessions(userId) };
  }
}

@Module({ controllers: [SessionsController, AccountController], providers: [DisabledAccounts] })
class DevicesFeatureModule {}

/** Builds the devices fixture around any SessionModule import. */
export async function createDevicesApp(sessionModule: DynamicModule): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [sessionModule, DevicesFeatureModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  // The tests speak plain HTTP and say X-Forwarded-Proto: https, as a TLS proxy would.
  app.set('trust proxy', 'loopback');
  await app.init();
  return app;
}

export function devicesOptions(overrides: Partial<SessionModuleOptions> = {}): SessionModuleOptions {
  return { secret: TEST_SECRET, mfa: { secretStore: new InMemoryMfaSecrets(), issuer: 'Test' }, ...overrides };
}

export function devicesModule(overrides: Partial<SessionModuleOptions> = {}): DynamicModule {
  return SessionModule.forRoot({ ...devicesOptions(overrides), isGlobal: true });
}
