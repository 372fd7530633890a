import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Post,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
  type INestApplication,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  SessionModule,
  SessionService,
  SessionTokenGuard,
  SessionTokens,
  type BearerSessionInfo,
  type CurrentSessionInfo,
  type SessionModuleOptions,
} from '../../../lib/index.js';
import { createApp } from '../kit/create-app.js';

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

@Controller()
class TokenRoutes {
  constructor(
    private readonly sessions: SessionService,
    private readonly tokens: SessionTokens,
  ) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user?: string }) {
    const user = body.user ?? 'u1';
    return { id: user, username: user };
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.sessions.logout(req, res);
  }

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

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo) {
    return { userId: session.userId, handle: session.handle };
  }

  @Get('either')
  @UseGuards(CookieOrBearerGuard)
  either(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

/** A test app with `SessionModule.forRoot(options)` (options include `tokens`) and the routes above. */
export function createTokensApp(options: SessionModuleOptions): Promise<INestApplication> {
  return createApp({
    imports: [SessionModule.forRoot(options)],
    controllers: [TokenRoutes],
    providers: [CookieOrBearerGuard],
  });
}
