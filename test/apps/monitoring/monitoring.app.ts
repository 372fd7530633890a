import { Body, Controller, Get, HttpCode, Post, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import {
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  SecurityActivity,
  SessionModule,
  type MonitoringOptions,
  type SessionEvent,
  type SessionModuleOptions,
} from '../../../lib/index.js';
import { createApp } from '../kit/create-app.js';
import { TEST_SECRET } from '../basic/basic.app.js';

@Controller()
class MonitoredController {
  constructor(private readonly activity: SecurityActivity) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user?: string }) {
    return { id: body.user ?? 'u1' };
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Get('events')
  @UseGuards(MfaGuard)
  events(@CurrentSession('userId') userId: string) {
    return this.activity.list(userId);
  }
}

/** A minimal app with monitoring: login (any user), a guarded route, the user's activity log. */
export async function createMonitoringApp(
  store: SessionModuleOptions['store'],
  monitoring: MonitoringOptions,
  events: SessionEvent[] = [],
  trustProxy: string | boolean = 'loopback',
  extra: Partial<SessionModuleOptions> = {},
): Promise<INestApplication> {
  const app = await createApp({
    imports: [
      SessionModule.forRoot({
        secret: TEST_SECRET,
        store,
        monitoring,
        onEvent: (event) => {
          events.push(event);
        },
        ...extra,
      }),
    ],
    controllers: [MonitoredController],
  });
  (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', trustProxy);
  return app;
}
