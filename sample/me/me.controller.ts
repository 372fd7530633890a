import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentSession, MfaGuard, type CurrentSessionInfo } from '../../lib/index.js';
import type { PublicUser } from '../users/user.repository.js';

export interface MeResponse {
  user: PublicUser;
  session: { createdAt: string; lastSeenAt: string; mfa: boolean };
}

/** Who is logged in, and this session's book-keeping. */
@Controller('api/me')
@UseGuards(MfaGuard)
export class MeController {
  @Get()
  me(@CurrentSession() session: CurrentSessionInfo): MeResponse {
    const username = session.user['username'];
    return {
      user: { id: session.userId, username: typeof username === 'string' ? username : session.userId },
      session: {
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        // True only when a TOTP code was verified in this session (not merely "user has no MFA").
        mfa: session.mfa === 'verified',
      },
    };
  }
}
