import { Body, Controller, Get, HttpCode, Module, Post, Req, UnauthorizedException, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RedisStore } from 'connect-redis';
import type { Request } from 'express';
import session from 'express-session';
import { createClient, type RedisClientType } from 'redis';
import { BENCH_SECRET } from './bench-constants.js';

declare module 'express-session' {
  interface SessionData {
    user: { id: string; username: string };
  }
}

/**
 * Baseline (a): what the express-session and connect-redis READMEs show. express-session at
 * its defaults (cookie `connect.sid`, no maxAge, rolling off) with resave and
 * saveUninitialized false as its README recommends; connect-redis at its defaults (prefix
 * `sess:`, TTL one day, touch on). Login follows express-session's README example:
 * regenerate, set the user, save.
 */
@Controller()
class PlainController {
  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Body() body: { user?: string }) {
    const user = { id: body.user ?? 'u1', username: body.user ?? 'u1' };
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.user = user;
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    return { user, mfa: 'none' };
  }

  @Get('me')
  me(@Req() req: Request) {
    const user = req.session.user;
    if (!user) throw new UnauthorizedException({ error: 'unauthenticated', message: 'Log in first.' });
    return { userId: user.id };
  }
}

@Module({ controllers: [PlainController] })
class PlainAppModule {}

export async function createPlainSessionApp(redisUrl: string): Promise<INestApplication> {
  const client = createClient({ url: redisUrl }) as RedisClientType;
  client.on('error', () => undefined);
  await client.connect();
  const app = await NestFactory.create<NestExpressApplication>(PlainAppModule, { logger: false });
  app.set('trust proxy', 'loopback');
  app.use(
    session({
      secret: BENCH_SECRET,
      store: new RedisStore({ client }),
      resave: false,
      saveUninitialized: false,
    }),
  );
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await client.close();
  };
  return app;
}
