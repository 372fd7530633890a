import { Controller, Get, HttpCode, Injectable, Post, Req, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import {
  CurrentSession,
  MfaGuard,
  SessionTokenGuard,
  SessionTokens,
  type BearerSessionInfo,
} from '../../../../lib/index.js';

/**
 * A route that takes either credential, on purpose (docs/tokens.md, "Cookie and bearer on one
 * route"): a request with an Authorization header is judged by its token alone, any other by its
 * cookie. The CSRF check still covers cookie-carrying state changes.
 */
@Injectable()
export class CookieOrBearerGuard implements CanActivate {
  constructor(
    private readonly bearer: SessionTokenGuard,
    private readonly cookie: MfaGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    return req.headers.authorization === undefined ? this.cookie.canActivate(context) : this.bearer.canActivate(context);
  }
}

/** Bearer tokens for a signed-in session (needs `tokens`), and routes that take them. */
@Controller()
class TokenController {
  constructor(private readonly tokens: SessionTokens) {}

  @Post('tokens')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  issue(@Req() req: Request) {
    return this.tokens.issue(req);
  }

  @Get('token/me')
  @UseGuards(SessionTokenGuard)
  tokenMe(@CurrentSession() session: BearerSessionInfo, @CurrentSession('userId') userId: string) {
    return { userId, handle: session.handle, mfa: session.mfa, tokenId: session.tokenId };
  }

  @Get('either')
  @UseGuards(CookieOrBearerGuard)
  either(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

export const TokenRoutes = { controllers: [TokenController], providers: [CookieOrBearerGuard] };
