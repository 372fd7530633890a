import { Body, Controller, Get, HttpCode, Post, Req, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Request } from 'express';
import {
  AuthenticatedGuard,
  CurrentSession,
  MfaGuard,
  Public,
  SessionService,
  type CurrentSessionInfo,
  type SessionModuleOptions,
} from '../../../../lib/index.js';
import { createTestApp } from '../create-test-app.js';
import { AuthRoutes } from '../routes/auth.routes.js';
import { MfaRoutes } from '../routes/mfa.routes.js';

/** Routes with no guard of their own: the global guard decides (GET /me has MfaGuard itself, so not that one). */
@Controller()
class UnguardedRoutes {
  constructor(private readonly sessions: SessionService) {}

  @Get('profile')
  profile(@CurrentSession() session: CurrentSessionInfo) {
    return { userId: session.userId, mfa: session.mfa };
  }

  @Post('settings')
  @HttpCode(204)
  saveSettings(@Req() req: Request, @Body() body: { theme: string }) {
    this.sessions.set(req, 'theme', body.theme);
  }
}

/** @Public() on the class opens every route of it. */
@Public()
@Controller('public')
class PublicRoutes {
  @Get('health')
  health() {
    return { ok: true };
  }

  @Get('whoami')
  whoami(@CurrentSession('userId') userId: string | undefined) {
    return { userId: userId ?? null };
  }
}

/**
 * The app binds one of the module's guards to every route itself: `{ provide: APP_GUARD,
 * useExisting: Guard }`, with SessionModule imported (not global) next to it.
 */
export function createGlobalGuardsApp(
  guard: typeof MfaGuard | typeof AuthenticatedGuard,
  options: SessionModuleOptions,
): Promise<INestApplication> {
  return createTestApp({
    session: { ...options, isGlobal: false },
    controllers: [AuthRoutes, MfaRoutes, UnguardedRoutes, PublicRoutes],
    providers: [{ provide: APP_GUARD, useExisting: guard }],
  });
}
