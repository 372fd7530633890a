import { Body, Controller, Get, HttpCode, Post, Req, UseInterceptors, type INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { LoginInterceptor, SessionModule, SessionService, type JsonValue, type SessionModuleOptions } from '../../../lib/index.js';
import { createApp } from '../kit/create-app.js';

export const SESSION_DATA_SECRET = 'session-data-secret-session-data-secret-0123';

/** App data in and out of the session through SessionService, and a login. */
@Controller()
export class SessionDataController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user: string }) {
    return { id: body.user, username: body.user };
  }

  @Post('data')
  @HttpCode(204)
  set(@Req() req: Request, @Body() body: { key: string; value: JsonValue }) {
    this.sessions.set(req, body.key, body.value);
  }

  @Post('data/unset')
  @HttpCode(204)
  unset(@Req() req: Request, @Body() body: { key: string }) {
    this.sessions.unset(req, body.key);
  }

  /** The session's data as loaded, and whether its object is a plain one (nothing inherited from it). */
  @Get('data')
  get(@Req() req: Request) {
    const data = (req.session?.data ?? {}) as Record<string, unknown>;
    return {
      data,
      keys: Object.keys(data),
      plainPrototype: Object.getPrototypeOf(data) === Object.prototype,
      inherited: (data as { admin?: unknown }).admin ?? null,
      stored: Object.keys(data).map((key) => this.sessions.get(req, key) ?? null),
    };
  }

  /** Whether the session is authenticated (anyone may ask). */
  @Get('me')
  me(@Req() req: Request) {
    return { user: this.sessions.current(req)?.userId ?? null };
  }
}

export function createSessionDataApp(options: Partial<SessionModuleOptions>): Promise<INestApplication> {
  return createApp({
    imports: [SessionModule.forRoot({ secret: SESSION_DATA_SECRET, ...options })],
    controllers: [SessionDataController],
  });
}
