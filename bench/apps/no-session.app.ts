import { Body, Controller, Get, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** (c): the ceiling. The same routes with no session at all. */
@Controller()
class NoSessionController {
  @Post('login')
  @HttpCode(200)
  login(@Body() body: { user?: string }) {
    return { user: { id: body.user ?? 'u1', username: body.user ?? 'u1' }, mfa: 'none' };
  }

  @Get('me')
  me() {
    return { userId: 'u1' };
  }
}

@Module({ controllers: [NoSessionController] })
class NoSessionAppModule {}

export async function createNoSessionApp(): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(NoSessionAppModule, { logger: false });
  app.set('trust proxy', 'loopback');
  return app;
}
