import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UseInterceptors,
  type INestApplication,
  Optional,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  AuthenticatedGuard,
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  MfaService,
  Public,
  SessionModule,
  SessionService,
  SkipMfa,
  type CurrentSessionInfo,
  type SessionModuleOptions,
  MfaNotConfiguredException,
} from '../../../lib/index.js';
import { createApp } from '../kit/create-app.js';

/** Routes with no guard of their own: the global guard decides, steered by @Public() and @SkipMfa(). */
@Controller()
class GlobalGuardsController {
  constructor(
    private readonly sessions: SessionService,
    // Optional: these fixtures also run without `mfa`, where SessionModule registers no MfaService.
    @Optional() private readonly mfaService?: MfaService,
  ) {}

  private mfa(): MfaService {
    if (!this.mfaService) throw new MfaNotConfiguredException();
    return this.mfaService;
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user: string }) {
    return { id: body.user };
  }

  @Get('me')
  me(@CurrentSession() session: CurrentSessionInfo) {
    return { userId: session.userId, mfa: session.mfa };
  }

  @Post('settings')
  @HttpCode(204)
  saveSettings(@Req() req: Request, @Body() body: { theme: string }) {
    this.sessions.set(req, 'theme', body.theme);
  }

  @SkipMfa()
  @Post('mfa/verify')
  @HttpCode(200)
  async verify(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa().verify(req, body.code);
    return { mfa: 'verified' };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }
}

/** @Public() on the class opens every route of it. */
@Public()
@Controller('public')
class PublicController {
  @Get('health')
  health() {
    return { ok: true };
  }

  @Get('whoami')
  whoami(@CurrentSession('userId') userId: string | undefined) {
    return { userId: userId ?? null };
  }
}

/** The app binds one of the module's guards to every route itself: `{ provide: APP_GUARD, useExisting: Guard }`. */
export function createGlobalGuardsApp(
  guard: typeof MfaGuard | typeof AuthenticatedGuard,
  options: SessionModuleOptions,
): Promise<INestApplication> {
  return createApp({
    imports: [SessionModule.forRoot(options)],
    controllers: [GlobalGuardsController, PublicController],
    providers: [{ provide: APP_GUARD, useExisting: guard }],
  });
}
