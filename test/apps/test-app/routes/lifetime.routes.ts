import { Body, Controller, Get, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { MfaGuard, SessionService, type JsonValue } from '../../../../lib/index.js';
import { Gates } from './gates.js';

/** Holds requests inside /slow/* handlers; the tests release them. */
export const gates = new Gates();

/** How often each handler ran: a route must never run twice for one request. */
export const handlerRuns = { slowWrite: 0 };

/** A route with no session at all, and requests held mid-flight to force one interleaving. */
@Controller()
export class LifetimeRoutes {
  constructor(private readonly sessions: SessionService) {}

  /** A route that needs no session at all. */
  @Get('public')
  publicRoute() {
    return { ok: true };
  }

  /** Loads the session, waits at gate `x-gate`, then writes `body` (saved when the response ends). */
  @Post('slow/write')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  async slowWrite(@Req() req: Request, @Headers('x-gate') gate: string, @Body() body: Record<string, JsonValue>) {
    handlerRuns.slowWrite++;
    await gates.pass(gate);
    for (const [key, value] of Object.entries(body)) this.sessions.set(req, key, value);
  }

  /** Loads the session, waits at gate `x-gate`, then answers without writing. */
  @Get('slow/read')
  @UseGuards(MfaGuard)
  async slowRead(@Req() req: Request, @Headers('x-gate') gate: string) {
    await gates.pass(gate);
    return { userId: req.session.auth?.user.id };
  }
}
