import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { MfaGuard, SessionService, type JsonValue } from '../../../../lib/index.js';

/** App data in and out of the session through SessionService. */
@Controller('data')
export class DataRoutes {
  constructor(private readonly sessions: SessionService) {}

  /** A signed-in user's writes: every field of the body becomes a session key. */
  @Post()
  @HttpCode(204)
  @UseGuards(MfaGuard)
  write(@Req() req: Request, @Body() body: Record<string, JsonValue>) {
    for (const [key, value] of Object.entries(body)) this.sessions.set(req, key, value);
  }

  /** Anyone: one key, named in the body (so a test can send keys such as `__proto__`). */
  @Post('entry')
  @HttpCode(204)
  set(@Req() req: Request, @Body() body: { key: string; value: JsonValue }) {
    this.sessions.set(req, body.key, body.value);
  }

  @Post('unset')
  @HttpCode(204)
  unset(@Req() req: Request, @Body() body: { key: string }) {
    this.sessions.unset(req, body.key);
  }

  /** The session's data as loaded, and whether its object is a plain one (nothing inherited from it). */
  @Get()
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
}
