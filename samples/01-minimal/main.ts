// The smallest working app: SessionModule.forRoot, a login route, MfaGuard and @CurrentSession.
// Run it from the repository: `npm run sample:minimal`, then:
//   curl -c jar -H 'Content-Type: application/json' -d '{"username":"alice","password":"alice-password"}' localhost:3000/login
//   curl -b jar localhost:3000/me
//   curl -b jar -X POST localhost:3000/logout
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request, Response } from 'express';
import {
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  SessionModule,
  SessionService,
  type CurrentSessionInfo,
  type SessionUser,
} from 'nest-secure-session';

/** Stands in for your user table and password hashing (never compare plain passwords for real). */
const USERS = new Map([['alice', { id: 'u-1', password: 'alice-password' }]]);

@Controller()
class AuthController {
  constructor(private readonly sessions: SessionService) {}

  // Return the user, or null for "wrong credentials" (401): the interceptor issues a new
  // session ID, stores the user and saves before the response leaves.
  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { username?: unknown; password?: unknown }): SessionUser | null {
    const user = typeof body?.username === 'string' ? USERS.get(body.username) : undefined;
    return user && body.password === user.password ? { id: user.id, username: String(body.username) } : null;
  }

  // 401 without a session; with `mfa` configured (docs/mfa.md), 403 until the second factor.
  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo) {
    return { user: session.user, since: session.authenticatedAt };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.logout(req, res);
  }
}

@Module({
  imports: [
    SessionModule.forRoot({
      // At least 32 bytes; a list rotates secrets. Set SESSION_SECRET in production.
      secret: process.env['SESSION_SECRET'] ?? 'development-only secret, at least 32 bytes long',
      // Plain http://localhost in development (cookie `sid` without Secure; logs a warning).
      // In production serve HTTPS and drop this line: the cookie is then __Host-sid; Secure.
      allowInsecureHttp: process.env['NODE_ENV'] !== 'production',
    }),
  ],
  controllers: [AuthController],
})
class AppModule {}

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks();
await app.listen(Number(process.env['PORT'] ?? 3000), '127.0.0.1');
console.log(`listening on ${await app.getUrl()}`);
