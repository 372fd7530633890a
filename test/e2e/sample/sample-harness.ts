import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RedisClientType } from 'redis';
import request, { type Response } from 'supertest';
import { expect } from 'vitest';
import { Totp } from '../../../lib/index.js';
import { readSampleConfig, type SampleConfig } from '../../../sample/config/sample.config.js';
import { createSampleApp } from '../../../sample/sample.app.js';
import { BrowserClient, setCookies, type ParsedCookie } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { connectTestRedis, deleteKeys, uniquePrefix, type StoreUnderTest } from '../../support/stores.js';

/** The public origin the in-process sample is configured with. */
export const APP_ORIGIN = 'https://app.example.test';
export const SECRET = 'sample-test-secret-sample-test-secret-0123456789';

/** Development mode over the test's "HTTPS" (X-Forwarded-Proto from loopback): the cookie is `sid`, Secure. */
export const COOKIE = 'sid';

export const ALICE = { id: 'user-alice', username: 'alice', password: 'alice-password' };
export const BOB = { id: 'user-bob', username: 'bob', password: 'bob-password' };

/** The sample's configuration as its environment would give it, with a per-suite Redis prefix. */
export function sampleConfig(store: StoreUnderTest, prefix: string, env: NodeJS.ProcessEnv = {}): SampleConfig {
  const config = readSampleConfig({
    SESSION_SECRET: SECRET,
    TRUST_PROXY: 'loopback',
    APP_ORIGIN,
    SESSION_STORE: store.name,
    REDIS_URL,
    ...env,
  });
  return config.store.kind === 'redis' ? { ...config, store: { ...config.store, prefix } } : config;
}

/**
 * One sample app per test (fresh users, fresh MFA state) on the given store; `close()` also
 * deletes the suite's Redis keys.
 */
export class SampleHarness {
  app!: NestExpressApplication;
  private redis: RedisClientType | undefined;
  readonly prefix: string;

  constructor(
    private readonly store: StoreUnderTest,
    label: string,
  ) {
    this.prefix = uniquePrefix(label);
  }

  async start(env: NodeJS.ProcessEnv = {}): Promise<void> {
    this.app = await createSampleApp(sampleConfig(this.store, this.prefix, env), { logger: false });
  }

  client(): BrowserClient {
    return new BrowserClient(this.app);
  }

  async stop(): Promise<void> {
    await this.app?.close();
  }

  /** Once per suite: removes every key the suite wrote. */
  async cleanUp(): Promise<void> {
    if (this.store.name !== 'redis') return;
    this.redis ??= await connectTestRedis();
    await deleteKeys(this.redis, this.prefix);
    await this.redis.close();
  }

  /** A POST with a raw body and content type (the BrowserClient sends objects as JSON only). */
  postRaw(client: BrowserClient, path: string, contentType: string, body: string): Promise<Response> {
    const test = request(this.app.getHttpServer()).post(path).set('X-Forwarded-Proto', 'https');
    if (client.jar.size > 0) test.set('Cookie', [...client.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    return test.set('Content-Type', contentType).send(body);
  }
}

export function login(client: BrowserClient, user: { username: string; password: string }): Promise<Response> {
  return client.post('/api/auth/login', { username: user.username, password: user.password });
}

/** The session cookie a response set, if any. */
export function sessionCookie(res: Response): ParsedCookie | undefined {
  return setCookies(res).find((cookie) => cookie.name === COOKIE);
}

/** The Base32 secret inside an otpauth URI. */
export function secretOf(otpauthUrl: string): string {
  const secret = new URL(otpauthUrl).searchParams.get('secret');
  if (!secret) throw new Error('otpauth URI without a secret');
  return secret;
}

/** The TOTP code of the step `offsetSeconds` from now (-30: the previous step, which the window accepts). */
export function codeAt(secret: string, offsetSeconds = 0): Promise<string> {
  return new Totp({ pastSteps: 1 }, () => Date.now() + offsetSeconds * 1_000).generate(secret);
}

/** A 6-digit code that matches no step from two back to one ahead. */
export async function wrongCode(secret: string): Promise<string> {
  const near = new Set(await Promise.all([-60, -30, 0, 30].map((offset) => codeAt(secret, offset))));
  for (let n = 0; ; n++) {
    const candidate = String(n * 111_111 + 123_456).slice(-6).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/**
 * Enrols the logged-in client in MFA and returns the secret. Confirms with the previous step's
 * code, so that a later verify with the current step's code never reuses it (replay protection).
 */
export async function enrolMfa(client: BrowserClient): Promise<string> {
  const started = await client.post('/api/mfa/enroll');
  expect(started.status).toBe(200);
  const secret = secretOf(started.body.otpauthUrl);
  const confirmed = await client.post('/api/mfa/enroll/confirm', { code: await codeAt(secret, -30) });
  expect(confirmed.status).toBe(200);
  return secret;
}

/** Asserts the `{ error, message }` shape with exactly these two keys. */
export function expectError(res: Response, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(['error', 'message']);
  expect(res.body.error).toBe(error);
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(0);
}
