import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  MFA_CLOCK,
  SessionModule,
  type MfaEvent,
  type MfaOptions,
  type SessionEvent,
  type SessionModuleOptions,
} from '../../../../lib/index.js';
import { BrowserClient } from '../../../support/http-client.js';
import type { StoreUnderTest } from '../../../support/stores.js';
import { createTestApp } from '../create-test-app.js';
import { MFA_ROUTES } from '../route-sets.js';
import { startApp, type RunningApp } from '../running-app.js';
import { DatabaseLikeMfaSecrets, TEST_SECRET } from '../secrets.js';
import { EnrolledUsers } from './enrolled-users.js';

const STEP_MS = 30_000;

/** A clock that only moves when a test moves it. */
export interface TestClock {
  now: number;
  advance(ms: number): void;
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** The browser that enrolled: fully authenticated, MFA just verified. */
  browser: BrowserClient;
}

export interface RunningMfaApp extends RunningApp {
  clock: TestClock;
  mfaSecrets: DatabaseLikeMfaSecrets;
  /** Every event the module emitted (onEvent). */
  events: SessionEvent[];
  mfaEvents(userId: string): MfaEvent[];
  /** The TOTP code of `secret` at the test clock, `stepOffset` steps away. */
  code(secret: string, stepOffset?: number): Promise<string>;
  /** A browser after the password step as `user` (MFA pending if enrolled). */
  passwordOnly(user: string, ip?: string): Promise<BrowserClient>;
  /**
   * Logs in as `user`, enrols through the HTTP routes and confirms; then moves the clock one
   * step on so the next login's code is not the confirmation code (which is consumed).
   */
  enroll(user: string): Promise<Enrolled>;
  /** Enrols `user` directly through MfaService.importEnrollment (no time step consumed). */
  seed(user: string): Promise<{ secret: string; recoveryCodes: string[] }>;
  /** Logs in as an enrolled user and passes MFA with the current code. */
  fullyLoggedIn(user: string, secret: string): Promise<BrowserClient>;
  /** A second app instance on the same store and prefix, secret store and clock (Redis only). */
  secondInstance(): Promise<INestApplication>;
}

/** The secret an otpauth URI carries. */
export function secretOf(otpauthUrl: string): string {
  const secret = new URL(otpauthUrl).searchParams.get('secret');
  if (!secret) throw new Error('otpauth URI without a secret');
  return secret;
}

/**
 * The MFA fixture on the store under test. The MFA clock stands in the middle of the current
 * real 30-second step and moves only when the test says, so codes never straddle a step edge.
 */
export async function startMfaApp(
  under: StoreUnderTest,
  mfa: Partial<MfaOptions> = {},
  overrides: Partial<SessionModuleOptions> = {},
): Promise<RunningMfaApp> {
  const start = Math.floor(Date.now() / STEP_MS) * STEP_MS + STEP_MS / 2;
  const clock: TestClock = {
    now: start,
    advance(ms) {
      this.now += ms;
    },
  };
  const now = () => clock.now;
  const mfaSecrets = new DatabaseLikeMfaSecrets();
  const events: SessionEvent[] = [];
  const encryptionKeys = [{ id: 'test1', key: randomBytes(32) }];
  const moduleFor = (store: SessionModuleOptions['store']) =>
    SessionModule.forRoot({
      secret: TEST_SECRET,
      store,
      mfa: { secretStore: mfaSecrets, issuer: 'Test', encryptionKeys, ...mfa },
      onEvent: (event) => {
        events.push(event);
      },
      isGlobal: true,
      ...overrides,
    });
  // The MFA clock is replaced by the test clock.
  const build = (store: SessionModuleOptions['store']) =>
    createTestApp({ session: moduleFor(store), routes: MFA_ROUTES, overrides: [{ provide: MFA_CLOCK, useValue: now }] });
  const running = await startApp(under, [TEST_SECRET], build);
  const users = new EnrolledUsers(() => running.app, now);
  const extraApps: INestApplication[] = [];

  const code = (secret: string, stepOffset = 0) => users.code(secret, stepOffset);

  const passwordOnly = async (user: string, ip?: string) => {
    const browser = running.browser();
    const res = await browser.post('/login', { user }, ip ? { 'X-Forwarded-For': ip } : {});
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return browser;
  };

  return {
    ...running,
    clock,
    mfaSecrets,
    events,
    mfaEvents: (userId) => events.filter((e): e is MfaEvent => e.type === 'mfa' && e.userId === userId),
    code,
    passwordOnly,
    async enroll(user) {
      const browser = await passwordOnly(user);
      const started = await browser.post('/mfa/enroll');
      if (started.status !== 200) throw new Error(`enroll failed: ${started.status} ${started.text}`);
      const secret = secretOf(started.body.otpauthUrl);
      const confirmed = await browser.post('/mfa/enroll/confirm', { code: await code(secret) });
      if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.status} ${confirmed.text}`);
      clock.advance(STEP_MS);
      return { secret, recoveryCodes: confirmed.body.recoveryCodes, browser };
    },
    seed: (user) => users.enroll(user),
    async fullyLoggedIn(user, secret) {
      const browser = await passwordOnly(user);
      const res = await browser.post('/mfa/verify', { code: await code(secret) });
      if (res.status !== 200) throw new Error(`MFA failed: ${res.status} ${res.text}`);
      return browser;
    },
    async secondInstance() {
      const app = await build(under.options(running.prefix));
      extraApps.push(app);
      return app;
    },
    async close() {
      for (const app of extraApps) await app.close();
      await running.close();
    },
  };
}
