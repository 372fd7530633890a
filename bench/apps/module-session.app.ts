import { generateKeyPairSync } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Module, Post, Req, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import {
  AuthenticatedGuard,
  CurrentSession,
  LoginInterceptor,
  MfaGuard,
  MfaService,
  SessionModule,
  SessionTokenGuard,
  SessionTokens,
  type MfaEnrollment,
  type MfaSecretStore,
  type SessionModuleOptions,
} from '../../lib/index.js';
import { SecretCipher } from '../../lib/mfa/secret-cipher.js';
import { BENCH_MFA_KEY, BENCH_SECRET, BENCH_TOTP_SECRET, MFA_USER_PREFIX } from './bench-constants.js';

/**
 * Every `mfa-*` user is enrolled with the same secret, so the load generator can make codes.
 * Stored as MfaService.importEnrollment stores it: encrypted under the module's key, bound to
 * the user ID (made once per user, as a database row would be).
 */
class BenchMfaSecrets implements MfaSecretStore {
  private readonly cipher = new SecretCipher([{ id: 'bench', key: Buffer.from(BENCH_MFA_KEY, 'base64url') }]);
  private readonly enrollments = new Map<string, MfaEnrollment>();

  async find(userId: string): Promise<MfaEnrollment | null> {
    if (!userId.startsWith(MFA_USER_PREFIX)) return null;
    let enrollment = this.enrollments.get(userId);
    if (!enrollment) {
      const secret = this.cipher.encrypt(BENCH_TOTP_SECRET, `totp-secret\0${userId}`);
      enrollment = { secret, confirmedAt: 0, recoveryCodes: [] };
      this.enrollments.set(userId, enrollment);
    }
    return enrollment;
  }
  async save(): Promise<void> {}
  async remove(): Promise<void> {}
}

/** (b): SessionModule on Redis with every protection at its default. */
@Controller()
class ModuleController {
  constructor(
    private readonly mfa: MfaService,
    private readonly tokens: SessionTokens,
  ) {}

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(LoginInterceptor)
  login(@Body() body: { user?: string }) {
    return { id: body.user ?? 'u1', username: body.user ?? 'u1' };
  }

  @Get('me')
  @UseGuards(MfaGuard)
  me(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Post('tokens')
  @HttpCode(200)
  @UseGuards(MfaGuard)
  issue(@Req() req: Request) {
    return this.tokens.issue(req);
  }

  /** The bearer read: signature and claims, then one session-index read. */
  @Get('token/me')
  @UseGuards(SessionTokenGuard)
  tokenMe(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Post('mfa/verify')
  @HttpCode(200)
  @UseGuards(AuthenticatedGuard)
  async verify(@Req() req: Request, @Body() body: { code?: unknown }) {
    await this.mfa.verify(req, body.code);
    return { mfa: 'verified' };
  }
}

/** (b) on Redis; without `redis`, on the embedded store (bench/request-path.ts). */
export async function createModuleSessionApp(
  redis?: Extract<NonNullable<SessionModuleOptions['store']>, { redis: unknown }>['redis'],
): Promise<INestApplication> {
  @Module({
    imports: [
      SessionModule.forRoot({
        secret: BENCH_SECRET,
        ...(redis ? { store: { redis } } : {}),
        mfa: { secretStore: new BenchMfaSecrets(), encryptionKeys: [{ id: 'bench', key: BENCH_MFA_KEY }] },
        // Access tokens (EdDSA, the default); 15 minutes so one token lasts the whole run.
        tokens: {
          keys: [{ key: generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) }],
          issuer: 'https://bench.example',
          ttl: 15 * 60_000,
        },
      }),
    ],
    controllers: [ModuleController],
  })
  class ModuleAppModule {}

  const app = await NestFactory.create<NestExpressApplication>(ModuleAppModule, { logger: false });
  // The load generator speaks plain HTTP and says X-Forwarded-Proto: https, as a TLS proxy would.
  app.set('trust proxy', 'loopback');
  return app;
}
