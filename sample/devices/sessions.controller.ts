import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CurrentSession,
  MfaGuard,
  SecurityActivity,
  SessionService,
  type ActiveSession,
  type CurrentSessionInfo,
  type Place,
} from '../../lib/index.js';

/** One row of GET /api/sessions (docs/SAMPLE-HTTP.md), plus the parsed browser and OS a devices page shows. */
export interface SessionJson {
  /** The public handle: what DELETE /api/sessions/:id takes; never the cookie value. */
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  /** False while the session waits for its MFA code. */
  mfa: boolean;
  /** Where the session signed in from (GEOIP_DB), null when unknown. */
  location: Place | null;
}

export function toSessionJson(session: ActiveSession, location: Place | null = null): SessionJson {
  return {
    id: session.handle,
    current: session.current,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    ip: session.ip ?? null,
    userAgent: session.userAgent ?? null,
    browser: session.browser ?? null,
    os: session.os ?? null,
    mfa: session.mfa === 'verified',
    location,
  };
}

/**
 * The signed-in user's devices: list them, sign one out, sign out all the others. The module
 * answers 404 `not_found` for a handle that is not one of the caller's sessions, whoever it
 * belongs to, so handles of other users cannot be probed.
 */
@Controller('api/sessions')
@UseGuards(MfaGuard)
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly activity: SecurityActivity,
  ) {}

  /** Every live session of the user, MFA-pending ones included, most recently active first. */
  @Get()
  async list(@Req() req: Request, @CurrentSession('userId') userId: string): Promise<SessionJson[]> {
    const sessions = await this.sessions.listSessions(userId, req);
    return Promise.all(sessions.map(async (session) => toSessionJson(session, await this.activity.locate(session.ip))));
  }

  /** Revoking the current session's own handle is a logout: record gone, cookie expired, site data cleared. */
  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentSession() session: CurrentSessionInfo,
    @Param('id') id: string,
  ): Promise<void> {
    if (id === session.handle) return this.sessions.logout(req, res);
    await this.sessions.revokeSession(session.userId, id);
  }

  /** "Sign out all other devices": this session stays. */
  @Post('revoke-others')
  @HttpCode(204)
  async revokeOthers(@Req() req: Request): Promise<void> {
    await this.sessions.revokeOtherSessions(req);
  }
}
