import type { INestApplication } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { expect } from 'vitest';
import { MfaService, type SessionModuleOptions } from '../../../lib/index.js';
import { Totp } from '../../../lib/mfa/totp.js';
import { BASIC_ROUTES, createTestApp, InMemoryMfaSecrets, testOptions } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';

/** The scenarios the Cluster and the Sentinel suites both run. */

/** The basic fixture on the given store; `mfa` is pre-seeded with an enrolled user, carol. */
export async function createScaleApp(
  store: SessionModuleOptions['store'],
  secrets = new InMemoryMfaSecrets(),
): Promise<INestApplication> {
  return createTestApp({ session: testOptions({ store, mfa: { secretStore: secrets, issuer: 'Test' } }), routes: BASIC_ROUTES });
}

/** A browser on `app` holding a copy of `from`'s cookies: the same user reaching another instance. */
export function sameBrowserOn(app: INestApplication, from: BrowserClient): BrowserClient {
  const browser = new BrowserClient(app);
  for (const [name, value] of from.jar) browser.jar.set(name, value);
  return browser;
}

export async function loginAs(app: INestApplication, user: string): Promise<BrowserClient> {
  const browser = new BrowserClient(app);
  const res = await browser.post('/login', { user });
  expect(res.status).toBe(200);
  return browser;
}

/**
 * T06 on the store: login, a guarded read and a write, logout; the cookie is dead afterwards.
 * `keys` lists the session records (see {@link sessionRecordKeys}).
 */
export async function loginReadWriteLogout(app: INestApplication, keys: () => Promise<string[]>): Promise<void> {
  const alice = await loginAs(app, 'alice');
  expect((await alice.get('/me')).body).toMatchObject({ userId: 'alice', mfa: 'none', cart: null });
  expect((await alice.post('/cart', { item: 'book' })).status).toBe(204);
  expect((await alice.get('/me')).body).toMatchObject({ userId: 'alice', mfa: 'none', cart: 'book' });
  expect(await keys()).toHaveLength(1);

  const stolen = alice.clone();
  const logout = await alice.post('/logout');
  expect(logout.status).toBe(204);
  expect(logout.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
  const after = await stolen.get('/me');
  expect(after.status).toBe(401);
  expect(after.body.error).toBe('unauthenticated');
  expect(await keys()).toHaveLength(0);
}

/** MFA on the store: password step (pending, new ID), TOTP step (verified, new ID again). */
export async function mfaLogin(app: INestApplication): Promise<void> {
  const secret = Totp.generateSecret();
  await app.get(MfaService).importEnrollment('carol', secret);
  const carol = new BrowserClient(app);
  const login = await carol.post('/login', { user: 'carol' });
  expect(login.body.mfa).toBe('required');
  const pending = carol.clone();
  expect((await carol.get('/me')).status).toBe(403);
  const code = await new Totp({ pastSteps: 1 }).generate(secret);
  const verified = await carol.post('/mfa/verify', { code });
  expect(verified.status).toBe(200);
  expect((await carol.get('/me')).body).toMatchObject({ userId: 'carol', mfa: 'verified' });
  // The password-only ID died with the rotation.
  expect((await pending.get('/me')).status).toBe(401);
  expect((await carol.post('/logout')).status).toBe(204);
}

/** Two instances on one store: a session made on one is used, changed and ended on the other. */
export async function twoInstances(first: INestApplication, second: INestApplication): Promise<void> {
  const onFirst = await loginAs(first, 'dave');
  const onSecond = sameBrowserOn(second, onFirst);
  expect((await onSecond.get('/me')).body).toMatchObject({ userId: 'dave', mfa: 'none', cart: null });
  expect((await onSecond.post('/cart', { item: 'lamp' })).status).toBe(204);
  expect((await onFirst.get('/me')).body).toMatchObject({ userId: 'dave', mfa: 'none', cart: 'lamp' });

  // Revoked on one instance: refused on the other at once, not after some cache expires.
  expect((await onFirst.post('/logout')).status).toBe(204);
  const refused = await onSecond.get('/me');
  expect(refused.status).toBe(401);
  expect(refused.body.error).toBe('unauthenticated');
}

export interface ProbeResult {
  user: string;
  /** Milliseconds from the kill when the request started. */
  at: number;
  status: number | 'timeout' | 'error';
  ms: number;
  body: unknown;
}

export interface FailoverReport {
  /** Requests made from the kill on, per outcome (`200`, `503`, ...). */
  outcomes: Record<string, number>;
  /** From the kill until the user's requests answered 200 again for good. */
  recoveredAfterMs: number;
  /** The slowest single request. */
  slowestMs: number;
  results: ProbeResult[];
}

/** Longest a single request may take during a failover: well above the store bound (storeTimeout, 1 s by default). */
export const REQUEST_BOUND_MS = 6_000;

/**
 * Logged-in users' browsers poll /me while `kill()` takes their store's master down, until
 * `user` has answered 200 several times in a row again (or `recoverWithinMs` passes).
 */
export async function probeFailover(options: {
  app: INestApplication;
  browsers: Record<string, BrowserClient>;
  user: string;
  kill: () => Promise<void>;
  recoverWithinMs: number;
}): Promise<FailoverReport> {
  const { app, browsers, user } = options;
  const results: ProbeResult[] = [];
  let killedAt = 0;
  let stop = false;
  const poll = async (name: string, browser: BrowserClient) => {
    const cookie = [...browser.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    while (!stop) {
      const started = Date.now();
      let status: ProbeResult['status'];
      let body: unknown;
      try {
        const res = await request(app.getHttpServer())
          .get('/me')
          .set('X-Forwarded-Proto', 'https')
          .set('Cookie', cookie)
          .timeout(REQUEST_BOUND_MS);
        status = res.status;
        body = res.body;
      } catch (err) {
        status = (err as { timeout?: number }).timeout ? 'timeout' : 'error';
        body = String(err);
      }
      if (killedAt) results.push({ user: name, at: started - killedAt, status, ms: Date.now() - started, body });
      await sleep(20);
    }
  };
  const polls = Object.entries(browsers).map(([name, browser]) => poll(name, browser));
  await sleep(200);
  killedAt = Date.now();
  await options.kill();
  const deadline = killedAt + options.recoverWithinMs;
  let recoveredAt: number | undefined;
  while (Date.now() < deadline) {
    await sleep(50);
    const mine = results.filter((r) => r.user === user);
    const lastFailure = mine.findLastIndex((r) => r.status !== 200);
    const okAfter = mine.length - lastFailure - 1;
    if (lastFailure >= 0 && okAfter >= 5) {
      recoveredAt = killedAt + mine[lastFailure + 1]!.at;
      break;
    }
  }
  stop = true;
  await Promise.all(polls);
  const outcomes: Record<string, number> = {};
  for (const r of results.filter((r) => r.user === user)) outcomes[String(r.status)] = (outcomes[String(r.status)] ?? 0) + 1;
  return {
    outcomes,
    recoveredAfterMs: recoveredAt === undefined ? Number.POSITIVE_INFINITY : recoveredAt - killedAt,
    slowestMs: Math.max(...results.map((r) => r.ms)),
    results,
  };
}

/** What must hold for every request made while the master was down and after. */
export function expectFailedClosed(report: FailoverReport, recoverWithinMs: number): void {
  for (const r of report.results) {
    const ok = r.status === 200 && (r.body as { userId?: string }).userId === r.user;
    const unavailable = r.status === 503 && (r.body as { error?: string }).error === 'session_store_unavailable';
    // Never someone else's session, never anonymous (the record survived), never a 500 or a hang.
    expect(ok || unavailable, `${r.user} at +${r.at} ms: ${String(r.status)} ${JSON.stringify(r.body)}`).toBe(true);
  }
  // The kill did hit this user's master: the store was unavailable for a while...
  expect(report.outcomes['503'] ?? 0).toBeGreaterThan(0);
  // ...and service came back by itself.
  expect(report.recoveredAfterMs).toBeLessThan(recoverWithinMs);
}
