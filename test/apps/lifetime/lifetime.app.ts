import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Module,
  Post,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import {
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  SessionModule,
  SessionService,
  SkipMfa,
  type CurrentSessionInfo,
  type JsonValue,
  type SessionModuleOptions,
} from '../../../lib/index.js';
import { TrackingStore } from '../../support/store-harness.js';
import { TEST_SECRET } from '../basic/basic.app.js';
import { Gates } from './gates.js';

/** Holds requests inside /slow/* handlers; the tests release them. */
export const gates = new Gates();

/** How often each handler ran: a route must never run twice for one request. */
export const handlerRuns = { slowWrite: 0 };

@Controller()
class LifetimeController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user?: string }) {
    return { id: body.user ?? 'u1', username: body.user ?? 'u1' };
  }

  /** A route that needs no session at all. */
  @Get('public')
  publicRoute() {
    return { ok: true };
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo, @Req() req: Request) {
    return {
      userId: session.userId,
      handle: session.handle,
      lastSeenAt: session.lastSeenAt.getTime(),
      data: (req.session.data ?? {}) as JsonValue,
    };
  }

  @Post('data')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  write(@Req() req: Request, @Body() body: Record<string, JsonValue>) {
    for (const [key, value] of Object.entries(body)) this.sessions.set(req, key, value);
  }

  /** Anonymous app data (a cart before login). */
  @Post('cart')
  @HttpCode(204)
  cart(@Req() req: Request, @Body() body: { item: string }) {
    this.sessions.set(req, 'cart', body.item);
  }

  /** Loads the session, waits at gate `x-gate`, then writes `body` (saved when the response ends). */
  @Post('slow/write')
  @HttpCode(204)
  @UseGuards(MfaGuard)
  async slowWrite(@Req() req: Request, @Headers('x-gate') gate: string, @Body() body: Record<string, JsonValue>) {
    handlerRuns.slowWrite++;
    await gates.pass(gate);
    for (const [key, value] of Object.entries(body)) this.sessions.set(req, key, value);
  }

  /** Loads the session, waits at gate `x-gate`, then answers like /me without writing. */
  @Get('slow/read')
  @UseGuards(MfaGuard)
  async slowRead(@Req() req: Request, @Headers('x-gate') gate: string) {
    await gates.pass(gate);
    return { userId: req.session.auth?.user.id };
  }

  @Post('logout')
  @HttpCode(204)
  @SkipMfa()
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.sessions.logout(req, res);
  }
}

@Module({ controllers: [LifetimeController] })
class LifetimeFeatureModule {}

/**
 * The fixture for session lifetime: login, guarded reads and writes, gated slow requests.
 * The app listens on an ephemeral port, so supertest reuses one server for all requests.
 */
export async function createLifetimeApp(options: Partial<SessionModuleOptions> = {}): Promise<INestApplication> {
  // A tracking store is a custom store: the module needs the index of the store behind it.
  const sessionIndex = options.store instanceof TrackingStore ? { sessionIndex: options.store.index } : {};
  const moduleRef = await Test.createTestingModule({
    imports: [
      SessionModule.forRoot({ secret: TEST_SECRET, ...sessionIndex, ...options, isGlobal: true }),
      LifetimeFeatureModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  // The tests speak plain HTTP and say X-Forwarded-Proto: https (and X-Forwarded-For), as a TLS proxy would.
  app.set('trust proxy', 'loopback');
  await app.listen(0, '127.0.0.1');
  return app;
}
