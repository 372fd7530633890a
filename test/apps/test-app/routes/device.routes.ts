import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { MfaGuard, SessionService } from '../../../../lib/index.js';
// The device routes are the sample's own (docs/SAMPLE-HTTP.md), not a copy of them.
import { SessionsController } from '../../../../sample/devices/sessions.controller.js';
import { DisabledAccounts } from './auth.routes.js';

/** What an account does to its sessions: rotate the ID, change the password, admin revoke/disable. */
@Controller()
export class AccountRoutes {
  constructor(
    private readonly sessions: SessionService,
    private readonly disabled: DisabledAccounts,
  ) {}

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

  /** Admin actions (an admin guard protects these in a real app). */
  @Post('admin/users/:id/revoke-all')
  @HttpCode(200)
  async revokeAll(@Param('id') userId: string) {
    return { revoked: await this.sessions.revokeAllSessions(userId) };
  }

  /** Disables the account (AuthRoutes then refuses its logins) and ends its sessions. */
  @Post('admin/users/:id/disable')
  @HttpCode(200)
  async disable(@Param('id') userId: string) {
    this.disabled.users.add(userId);
    return { revoked: await this.sessions.revokeAllSessions(userId) };
  }
}

/** The sample's GET/DELETE /api/sessions and the account actions above. */
export const DeviceRoutes = { controllers: [SessionsController, AccountRoutes], providers: [DisabledAccounts] };
