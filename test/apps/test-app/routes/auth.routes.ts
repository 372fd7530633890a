import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Optional,
  Post,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  Public,
  SessionService,
  SkipMfa,
  type CurrentSessionInfo,
  type JsonValue,
} from '../../../../lib/index.js';

/** Accounts an admin disabled: their logins are refused (the app's job, not the module's). */
export class DisabledAccounts {
  readonly users = new Set<string>();
}

export interface LoginBody {
  /** The user to log in as; default 'u1'. Any name passes: the password step is not under test. */
  user?: string;
  /** The handler answers null: a failed login. */
  fail?: boolean;
  /** The handler throws 403 account_locked. */
  throw?: boolean;
}

/**
 * Login, logout and who the session is. @Public() on the unguarded routes: they stay open when an
 * app binds a guard globally (APP_GUARD), and it changes nothing elsewhere.
 */
@Controller()
export class AuthRoutes {
  constructor(
    private readonly sessions: SessionService,
    // Optional: only apps with the DeviceRoutes set disable accounts.
    @Optional() private readonly disabled?: DisabledAccounts,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: LoginBody | undefined) {
    const { user = 'u1', fail, throw: locked } = body ?? {};
    if (locked) throw new ForbiddenException({ error: 'account_locked', message: 'Locked.' });
    if (fail || this.disabled?.users.has(user)) return null;
    return { id: user, username: user };
  }

  /** The session as the app sees it, under MfaGuard. */
  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo, @Req() req: Request) {
    return {
      userId: session.userId,
      handle: session.handle,
      mfa: session.mfa,
      lastSeenAt: session.lastSeenAt.getTime(),
      cart: this.sessions.get(req, 'cart') ?? null,
      data: (req.session.data ?? {}) as JsonValue,
    };
  }

  /** Anyone: whether the session is authenticated, without a guard's answer in the way. */
  @Public()
  @Get('whoami')
  whoami(@Req() req: Request) {
    return { user: this.sessions.current(req)?.userId ?? null };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @SkipMfa()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }
}
