import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentSession, MfaGuard, MfaService, type CurrentSessionInfo } from '../../lib/index.js';
import type { PublicUser } from '../users/user.repository.js';

export interface MeResponse {
  /** `mfaEnrolled`: the user has TOTP turned on (the dashboard offers enrolment only when not). */
  user: PublicUser & { mfaEnrolled: boolean };
  session: { createdAt: string; lastSeenAt: string; mfa: boolean };
}

/** Who is logged in, and this session's book-keeping. */
@Controller('api/me')
@UseGuards(MfaGuard)
export class MeController {
  constructor(private readonly mfa: MfaService) {}

  @Get()
  async me(@CurrentSession() session: CurrentSessionInfo): Promise<MeResponse> {
    const username = session.user['username'];
    return {
      user: {
        id: session.userId,
        username: typeof username === 'string' ? username : session.userId,
        mfaEnrolled: await this.mfa.isEnrolled(session.userId),
      },
      session: {
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        // True only when a TOTP code was verified in this session (not merely "user has no MFA").
        mfa: session.mfa === 'verified',
      },
    };
  }
}
