import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { RedisClientType } from 'redis';
import request, { type Response } from 'supertest';
import { afterEach, beforeEach, expect } from 'vitest';
import { MFA_CLOCK } from '../../../lib/index.js';
import { Totp } from '../../../lib/mfa/totp.js';
import { readSampleConfig, type SampleConfig } from '../../../sample/config/sample.config.js';
import { configureSampleApp, createSampleApp, sampleAppOptions } from '../../../sample/sample.app.js';
import { SampleModule } from '../../../sample/sample.module.js';
import { UserRepository } from '../../../sample/users/user.repository.js';
import { BrowserClient, setCookies, type ParsedCookie } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { awayFromStepEnd } from '../../support/totp-step.js';
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
  return config.store.kind === 'redis' || config.store.kind === 'cookie' ? { ...config, store: { ...config.store, prefix } } : config;
}

const STEP_MS = 30_000;

/** The MFA clock of a harness started with `{ clock: true }`: it moves only when the test moves it. */
export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface StartOptions {
  /**
   * Replace the module's MFA clock (codes, locks, step-up ages) with a {@link TestClock} that
   * stands in the middle of the current 30-second step, so codes never straddle a step edge.
   */
  clock?: boolean;
  /** Nest's logger; default `false` (silent). */
  logger?: LoggerService | false;
}

/**
 * One sample app per test (fresh users, fresh MFA state) on the given store; `close()` also
 * deletes the suite's Redis keys.
 */
export class SampleHarness {
  app!: NestExpressApplication;
  /** Set by `start(env, { clock: true })`. */
  clock: TestClock | undefined;
  private redis: RedisClientType | undefined;
  /** The configuration the app was started with (tests that forge tokens read its signing key). */
  config!: SampleConfig;
  private options: StartOptions = {};
  private readonly others: NestExpressApplication[] = [];
  readonly prefix: string;

  constructor(
    private readonly store: StoreUnderTest,
    label: string,
  ) {
    this.prefix = uniquePrefix(label);
  }

  async start(env: NodeJS.ProcessEnv = {}, options: StartOptions = {}): Promise<void> {
    this.config = sampleConfig(this.store, this.prefix, env);
    this.options = options;
    if (options.clock) {
      const now = Math.floor(Date.now() / STEP_MS) * STEP_MS + STEP_MS / 2;
      this.clock = {
        now,
        advance(ms) {
          this.now += ms;
        },
      };
    } else {
      this.clock = undefined;
    }
    this.app = await this.build();
  }

  /**
   * A second instance of the app on the same store, prefix and clock (behind the same load
   * balancer). With `sharedUsers` it also reads and writes the first instance's users (and so
   * their MFA enrolments), as instances sharing one user database would; the sample alone keeps
   * users in each process.
   */
  async startAnother({ sharedUsers = false } = {}): Promise<NestExpressApplication> {
    const app = await this.build(sharedUsers ? this.app.get(UserRepository) : undefined);
    this.others.push(app);
    return app;
  }

  client(app: NestExpressApplication = this.app): BrowserClient {
    return new BrowserClient(app);
  }

  /** The TOTP code of `secret` `stepOffset` steps from the MFA clock (the real clock without `{ clock: true }`). */
  code(secret: string, stepOffset = 0): Promise<string> {
    const now = () => (this.clock?.now ?? Date.now()) + stepOffset * STEP_MS;
    return new Totp({ pastSteps: 1 }, now).generate(secret);
  }

  /**
   * Enrols the logged-in client through the routes and returns the secret and recovery codes.
   * The confirmation code's step is consumed, so afterwards the next code must be a later step:
   * with the test clock, the clock moves one step on; without it, confirm uses the previous step.
   */
  async enrol(client: BrowserClient): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await client.post('/api/mfa/enroll');
    expect(started.status).toBe(200);
    const secret = secretOf(started.body.otpauthUrl);
    // On the real clock the previous step's code must reach the server before the step ends.
    if (!this.clock) await awayFromStepEnd();
    const confirmed = await client.post('/api/mfa/enroll/confirm', {
      code: await this.code(secret, this.clock ? 0 : -1),
    });
    expect(confirmed.status).toBe(200);
    this.clock?.advance(STEP_MS);
    return { secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  /** Logs in as an enrolled user and passes MFA with the current code; moves the test clock one step on. */
  async fullyLoggedIn(user: { username: string; password: string }, secret: string): Promise<BrowserClient> {
    const client = this.client();
    expect((await login(client, user)).body.mfa).toBe('required');
    expect((await client.post('/api/auth/mfa/verify', { code: await this.code(secret) })).status).toBe(200);
    this.clock?.advance(STEP_MS);
    return client;
  }

  async stop(): Promise<void> {
    for (const app of this.others.splice(0)) await app.close();
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

  private async build(users?: UserRepository): Promise<NestExpressApplication> {
    const logger = this.options.logger ?? false;
    const clock = this.clock;
    if (!clock && !users) return createSampleApp(this.config, { logger });
    // As the README says for apps: a testing module with providers replaced, then the sample's own set-up.
    let builder = Test.createTestingModule({ imports: [SampleModule.forConfig(this.config)] });
    if (clock) builder = builder.overrideProvider(MFA_CLOCK).useValue(() => clock.now);
    if (users) builder = builder.overrideProvider(UserRepository).useValue(users);
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>(sampleAppOptions({ logger }));
    return configureSampleApp(app, this.config);
  }
}

/**
 * A fresh harness for each test, with its own Redis prefix (MFA attempt counts and login
 * throttles of one test never reach the next), stopped and cleaned up after it. Call the
 * returned function inside a test.
 */
export function perTestHarness(store: StoreUnderTest, label: string): () => SampleHarness {
  let current: SampleHarness | undefined;
  beforeEach(() => {
    current = new SampleHarness(store, label);
  });
  afterEach(async () => {
    await current?.stop();
    await current?.cleanUp();
  });
  return () => {
    if (!current) throw new Error('perTestHarness: call it inside a test');
    return current;
  };
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
    const candidate = String(n * 111_111 + 123_456)
      .slice(-6)
      .padStart(6, '0');
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
  // The previous step's code is accepted only until the current step ends: leave it time.
  await awayFromStepEnd();
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
