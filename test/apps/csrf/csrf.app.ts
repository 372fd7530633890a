import { Controller, Delete, Get, HttpCode, Patch, Post, Put, Req, UseInterceptors, type INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { LoginInterceptor, SessionModule, SessionService, type SessionModuleOptions } from '../../../lib/index.js';
import { createApp } from '../kit/create-app.js';

export const CSRF_TEST_SECRET = 'csrf-test-secret-csrf-test-secret-0123456789';

/** A login, a counter each unsafe method bumps, and a "bearer API" route. */
@Controller()
class CsrfTestController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login() {
    return { id: 'u1' };
  }

  @Get('count')
  count(@Req() req: Request) {
    return { count: this.sessions.get<number>(req, 'count') ?? 0 };
  }

  @Post('count')
  @HttpCode(200)
  post(@Req() req: Request) {
    return this.bump(req);
  }

  @Put('count')
  put(@Req() req: Request) {
    return this.bump(req);
  }

  @Patch('count')
  patch(@Req() req: Request) {
    return this.bump(req);
  }

  @Delete('count')
  delete(@Req() req: Request) {
    return this.bump(req);
  }

  private bump(req: Request) {
    const count = (this.sessions.get<number>(req, 'count') ?? 0) + 1;
    this.sessions.set(req, 'count', count);
    return { count };
  }

  /** Stands for a token-authenticated API: it never reads the session. */
  @Post('api/token-action')
  @HttpCode(200)
  tokenAction() {
    return { done: true };
  }
}

/** An app with SessionModule and the given `csrf` option (and anything else to override). */
export function createCsrfApp(options: Partial<SessionModuleOptions> = {}): Promise<INestApplication> {
  return createApp({
    imports: [SessionModule.forRoot({ secret: CSRF_TEST_SECRET, ...options })],
    controllers: [CsrfTestController],
  });
}
