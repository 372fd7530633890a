/**
 * The sources of the consumer app test/package/consumer.spec.ts installs the packed tarball
 * into: what a Nest 12 team writes, importing only `nest-secure-session` and its subpaths.
 * Kept as text (not .ts files in the repository) because they compile against the installed
 * tarball in their own directory, never against lib/.
 */

export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    // The app's compiler reads the published .d.ts and every declaration they import.
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: false,
    rootDir: '.',
    outDir: 'dist',
    types: ['node'],
  },
  // src/: the consumer app; minimal/: a copy of samples/01-minimal, built the same way.
  include: ['src', 'minimal'],
};

const APP_MODULE = `import { Module } from '@nestjs/common';
import { SessionModule, type SessionModuleOptions } from 'nest-secure-session';
import { AuthController } from './auth.controller.js';

function store(): SessionModuleOptions['store'] {
  const url = process.env['REDIS_URL'];
  return url ? { redis: { url, prefix: process.env['REDIS_PREFIX'] ?? 'consumer:' } } : { memory: {} };
}

@Module({
  imports: [
    SessionModule.forRoot({
      isGlobal: true,
      secret: process.env['SESSION_SECRET'] ?? 'a consumer app secret of at least thirty-two bytes',
      store: store(),
    }),
  ],
  controllers: [AuthController],
})
export class AppModule {}
`;

const AUTH_CONTROLLER = `import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  SessionService,
  type CurrentSessionInfo,
  type SessionUser,
} from 'nest-secure-session';

interface Credentials {
  username?: unknown;
  password?: unknown;
}

@Controller()
export class AuthController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: Credentials): SessionUser | null {
    return body.username === 'alice' && body.password === 'alice-password' ? { id: 'u-alice', username: 'alice' } : null;
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession() session: CurrentSessionInfo): { userId: string; handle: string } {
    return { userId: session.userId, handle: session.handle };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.logout(req, res);
  }
}
`;

const MAIN = `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RedisSessionStore } from 'nest-secure-session/redis';
import { AppModule } from './app.module.js';

// The Redis entry loads on its own too (an app that builds its store itself imports it).
if (typeof RedisSessionStore !== 'function') throw new Error('nest-secure-session/redis did not load');

const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['error', 'warn'] });
// Behind a TLS-terminating proxy: X-Forwarded-Proto from loopback counts.
app.set('trust proxy', 'loopback');
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const address = app.getHttpServer().address();
console.log(\`listening \${typeof address === 'object' && address ? address.port : 0}\`);
`;

/** path under the app directory -> contents. */
export const CONSUMER_SOURCES: Record<string, string> = {
  'src/app.module.ts': APP_MODULE,
  'src/auth.controller.ts': AUTH_CONTROLLER,
  'src/main.ts': MAIN,
};
