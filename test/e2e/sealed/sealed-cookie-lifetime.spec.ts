import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SealedCookieKey } from '../../../lib/sealed/sealed-cookie-options.js';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { COOKIE, expiresSessionCookie, sessionCookies } from '../../support/session-cookie.js';
import { redisAvailable, uniquePrefix } from '../../support/stores.js';

const MINUTE = 60_000;
const K1: SealedCookieKey = { id: 'k1', key: randomBytes(32) };
const K2: SealedCookieKey = { id: 'k2', key: randomBytes(32) };
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const DENY_LISTS = [
  { name: 'memory deny list', denyList: (): object => ({ memory: {} }) },
  ...(redisAvailable ? [{ name: 'Redis deny list', denyList: (): object => ({ redis: { url: REDIS_URL, prefix: uniquePrefix('sealed-life') } }) }] : []),
];

const apps: INestApplication[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

async function sealedApp(denyList: object, keys: SealedCookieKey[] = [K1]): Promise<INestApplication> {
  const app = await createTestApp({ session: { store: { cookie: { keys, denyList } } as never }, routes: LIFETIME_APP_ROUTES, listen: true });
  apps.push(app);
  return app;
}

function browserOf(app: INestApplication, userAgent = FIREFOX): BrowserClient {
  return new BrowserClient(app, { headers: { 'user-agent': userAgent } });
}

async function login(app: INestApplication): Promise<BrowserClient> {
  const browser = browserOf(app);
  expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
  return browser;
}

function replay(app: INestApplication, value: string, userAgent = FIREFOX): BrowserClient {
  const browser = browserOf(app, userAgent);
  browser.jar.set(COOKIE, value);
  return browser;
}

describe.each(DENY_LISTS)('sealed-cookie lifetime ($name)', ({ denyList }) => {
  let app: INestApplication;
  let clock: FakeClock;
  beforeAll(async () => {
    app = await sealedApp(denyList());
  });
  beforeEach(() => {
    clock = useFakeClock();
  });
  afterEach(() => clock.restore());

  it('ends a session idle for idleTimeout (the deadline is inside the record), and refuses its cookie after', async () => {
    const browser = await login(app);
    clock.advance(29 * MINUTE);
    expect((await browser.get('/me')).status).toBe(200);
    const kept = browser.cookie(COOKIE)!;
    clock.advance(30 * MINUTE);
    const res = await browser.get('/me');
    expect(res.status).toBe(401);
    expect(expiresSessionCookie(res)).toBe(true);
    expect((await replay(app, kept).get('/me')).status).toBe(401);
  });

  it('keeps refusing a logged-out cookie until it would have died of idleness anyway', async () => {
    const browser = await login(app);
    clock.advance(5 * MINUTE);
    expect((await browser.get('/me')).status).toBe(200);
    const captured = browser.cookie(COOKIE)!;
    expect((await browser.post('/logout')).status).toBe(204);
    // Not idle yet: only the deny list refuses it.
    clock.advance(29 * MINUTE);
    expect((await replay(app, captured).get('/me')).status).toBe(401);
  });

  it('ends a session at absoluteTimeout however active it is', async () => {
    const browser = await login(app);
    for (let elapsed = 0; elapsed < 12 * 60 - 25; elapsed += 25) {
      clock.advance(25 * MINUTE);
      expect((await browser.get('/me')).status).toBe(200);
    }
    clock.advance(25 * MINUTE);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it('rotates the ID inside a new cookie; the old cookie serves its grace period, then is refused', async () => {
    const browser = await login(app);
    const before = browser.cookie(COOKIE)!;
    clock.advance(16 * MINUTE);
    const rotated = await browser.get('/me');
    expect(rotated.status).toBe(200);
    expect(sessionCookies(rotated)).toHaveLength(1);
    expect(browser.cookie(COOKIE)).not.toBe(before);
    const inGrace = await replay(app, before).get('/me');
    expect(inGrace.status).toBe(200);
    expect(sessionCookies(inGrace)).toEqual([]);
    clock.advance(11_000);
    expect((await replay(app, before).get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(200);
  });

  it('revokes a session used from another browser (binding) and refuses the cookie for both', async () => {
    const browser = await login(app);
    const stolen = replay(app, browser.cookie(COOKIE)!, CHROME);
    expect((await stolen.get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(401);
  });
});

describe('sealed-cookie key rotation', () => {
  it('opens an old-key cookie while the key is listed, seals new cookies with the first key, and refuses it once the key is removed', async () => {
    const before = await sealedApp({ memory: {} }, [K1]);
    const browser = await login(before);
    const old = browser.cookie(COOKIE)!;
    const kidOf = (value: string) => JSON.parse(Buffer.from(value.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(kidOf(old)).toBe('k1');

    const rotated = await sealedApp({ memory: {} }, [K2, K1]);
    const carried = replay(rotated, old);
    expect((await carried.get('/me')).body).toMatchObject({ userId: 'alice' });
    expect((await carried.post('/data', { n: 1 })).status).toBe(204);
    expect(kidOf(carried.cookie(COOKIE)!)).toBe('k2');

    const retired = await sealedApp({ memory: {} }, [K2]);
    expect((await replay(retired, old).get('/me')).status).toBe(401);
    expect((await replay(retired, carried.cookie(COOKIE)!).get('/me')).status).toBe(200);
  });
});

describe('sealed-cookie deny list down', () => {
  it('answers 503 on guarded routes instead of trusting a cookie it cannot check', async () => {
    const app = await createTestApp({ session: {
      store: { cookie: { keys: [K1], denyList: { redis: { url: 'redis://127.0.0.1:1', prefix: uniquePrefix('sealed-down') } } } } as never,
      storeTimeout: 200,
    }, routes: LIFETIME_APP_ROUTES, listen: true });
    apps.push(app);
    // Logging in from no cookie needs no deny-list read: the cookie is sealed and sent.
    const browser = await login(app);
    const res = await browser.get('/me');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'session_store_unavailable' });
    // The browser's cookie is left alone (the session may be fine once the list answers).
    expect(sessionCookies(res)).toEqual([]);
  }, 20_000);
});
