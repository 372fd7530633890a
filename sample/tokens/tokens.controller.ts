import { Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import {
  CurrentSession,
  MfaGuard,
  SessionTokenGuard,
  SessionTokens,
  type BearerSessionInfo,
} from '../../lib/index.js';
import { UserRepository, type PublicUser } from '../users/user.repository.js';

export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds. */
  expiresIn: number;
}

/**
 * Access tokens for API clients (docs/tokens.md): minted with the session cookie, accepted only
 * as `Authorization: Bearer`, and dead as soon as their session is.
 */
@Controller('api')
export class TokensController {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly users: UserRepository,
  ) {}

  /** Cookie-authenticated, CSRF-checked like every other POST; MFA done for enrolled users. */
  @Post('tokens')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  async issue(@Req() req: Request): Promise<TokenResponse> {
    const { token, tokenType, expiresIn } = await this.tokens.issue(req);
    return { accessToken: token, tokenType, expiresIn };
  }

  /** Bearer only: a session cookie alone is 401 here. */
  @Get('token/me')
  @UseGuards(SessionTokenGuard)
  me(@CurrentSession() session: BearerSessionInfo): { user: PublicUser; sid: string } {
    const user = this.users.publicUser(session.userId) ?? { id: session.userId, username: session.userId };
    return { user, sid: session.handle };
  }
}
