import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../lib/index.js';
import type { SealedCookieKey } from '../../../lib/sealed/sealed-cookie-options.js';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { COOKIE, expiresSessionCookie, sessionCookies } from '../../support/session-cookie.js';
import { redisAvailable, uniquePrefix } from '../../support/stores.js';

const MINUTE = 60_000;
const KEY_1: SealedCookieKey = { id: 'k1', key: randomBytes(32) };
const KEY_2: SealedCookieKey = { id: 'k2', key: randomBytes(32) };

type DenyList = { name: string; denyList: () => object };
const DENY_LISTS: DenyList[] = [
  { name: 'memory deny list', denyList: () => ({ memory: {} }) },
  ...(redisAvailable ? [{ name: 'Redis deny list', denyList: () => ({ redis: { url: REDIS_URL, prefix: uniquePrefix('sealed') } }) }] : []),
];

const apps: INestApplication[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

async function sealedApp(denyList: object, keys: SealedCookieKey[] = [KEY_1], extra: object = {}): Promise<INestApplication> {
  const app = await createTestApp({ session: { store: { cookie: { keys, denyList } } as never, ...extra }, routes: LIFETIME_APP_ROUTES, listen: true });
  apps.push(app);
  return app;
}

async function login(app: INestApplication, user = 'alice'): Promise<BrowserClient> {
  const browser = new BrowserClient(app);
  expect((await browser.post('/login', { user })).status).toBe(200);
  return browser;
}

/** The jar's session cookie, replaced by `value`. */
function withCookie(browser: BrowserClient, value: string): BrowserClient {
  const copy = browser.clone();
  copy.jar.set(COOKIE, value);
  return copy;
}

describe.each(DENY_LISTS)('sealed-cookie sessions ($name)', ({ denyList }) => {
  let app: INestApplication;
  const events: SessionEvent[] = [];
  beforeAll(async () => {
    app = await sealedApp(denyList(), [KEY_1], { onEvent: (event: SessionEvent) => void events.push(event) });
  });

  it('sets a JWE cookie with the session attributes, and nothing readable in it', async () => {
    const browser = new BrowserClient(app);
    const res = await browser.post('/login', { user: 'alice-the-user' });
    const [cookie] = sessionCookies(res);
    expect(cookie!.attributes).toMatchObject({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
    expect(cookie!.attributes['expires']).toBeUndefined();
    expect(cookie!.attributes['domain']).toBeUndefined();
    const parts = cookie!.value.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[1]).toBe('');
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k1', cookie: COOKIE });
    expect(Buffer.from(parts[3]!, 'base64url').toString('latin1')).not.toContain('alice');
    expect((await browser.get('/me')).body).toMatchObject({ userId: 'alice-the-user' });
    // docs/sealed-cookies.md: a logged-in session without app data seals to well under 1 KB.
    expect(cookie!.value.length).toBeLessThan(1000);
  });

  it('opens with jose what it seals, and jose-sealed cookies open (one standard format)', async () => {
    const browser = await login(app);
    const opened = await compactDecrypt(browser.cookie(COOKIE)!, new Uint8Array(KEY_1.key as Buffer));
    const record = JSON.parse(new TextDecoder().decode(opened.plaintext));
    expect(record.data.auth.user.id).toBe('alice');
    const resealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(record)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', cookie: COOKIE })
      .encrypt(new Uint8Array(KEY_1.key as Buffer));
    expect((await withCookie(browser, resealed).get('/me')).body).toMatchObject({ userId: 'alice' });
  });

  it('sends a new cookie with a new session ID at login (fixation)', async () => {
    const browser = new BrowserClient(app);
    await browser.post('/cart', { item: 'book' });
    const anonymous = browser.cookie(COOKIE)!;
    const res = await browser.post('/login', { user: 'alice' });
    expect(sessionCookies(res)).toHaveLength(1);
    const [before, after] = await Promise.all([anonymous, browser.cookie(COOKIE)!].map((v) => sidOf(v)));
    expect(after).not.toBe(before);
    // A second login (another user on this browser) kills the first login's cookie.
    const alices = browser.cookie(COOKIE)!;
    expect((await browser.post('/login', { user: 'bob' })).status).toBe(200);
    expect(await sidOf(browser.cookie(COOKIE)!)).not.toBe(after);
    expect((await withCookie(browser, alices).get('/me')).status).toBe(401);
    expect((await browser.get('/me')).body).toMatchObject({ userId: 'bob' });
  });

  it('sends a new cookie when the record changes, not only its ID', async () => {
    const browser = await login(app);
    const first = browser.cookie(COOKIE);
    const res = await browser.post('/data', { theme: 'dark' });
    expect(sessionCookies(res)).toHaveLength(1);
    expect(await sidOf(browser.cookie(COOKIE)!)).toBe(await sidOf(first!));
    expect((await browser.get('/me')).body.data).toEqual({ theme: 'dark' });
    expect(sessionCookies(await browser.get('/me'))).toHaveLength(0);
  });

  it('refuses a cookie captured before logout, replayed after it', async () => {
    const browser = await login(app);
    const captured = browser.cookie(COOKIE)!;
    const res = await browser.post('/logout');
    expect(res.status).toBe(204);
    expect(expiresSessionCookie(res)).toBe(true);
    const replay = await withCookie(browser, captured).get('/me', { 'user-agent': 'replayer/1.0' });
    expect(replay.status).toBe(401);
    expect(events.filter((event) => event.type === 'session.replayed').at(-1)).toMatchObject({
      type: 'session.replayed',
      userId: 'alice',
      handle: expect.any(String),
      userAgent: 'replayer/1.0',
    });
    expect(JSON.stringify(events)).not.toContain(captured);
  });

  it('refuses every tampered part of the JWE with an anonymous session', async () => {
    const browser = await login(app);
    const value = browser.cookie(COOKIE)!;
    const parts = value.split('.');
    for (const index of [0, 2, 3, 4]) {
      const part = parts[index]!;
      const flipped = (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
      const tampered = parts.map((p, i) => (i === index ? flipped : p)).join('.');
      const res = await withCookie(browser, tampered).get('/me');
      expect(res.status, `part ${index}`).toBe(401);
    }
    expect((await withCookie(browser, value.slice(0, -5)).get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(200);
  });

  it('answers malformed cookies with an anonymous session, never a 500', async () => {
    const browser = await login(app);
    const value = browser.cookie(COOKIE)!;
    const junk = [
      '',
      'not-a-jwe',
      `${value}.x`,
      value.replace('..', '.AAAA.'),
      'a'.repeat(1024 * 1024),
      '%00%00',
      '%ED%A0%80abc',
      '!!!!..$$$$.****.####',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}..AA.AA.AA`,
    ];
    for (const bad of junk) {
      const res = await withCookie(browser, bad).get('/me');
      expect([401, 431]).toContain(res.status);
    }
    expect((await withCookie(browser, 'x').post('/cart', { item: 'y' })).status).toBe(204);
  });

  it('refuses a `__proto__` key inside a validly sealed record', async () => {
    const browser = await login(app);
    const opened = await compactDecrypt(browser.cookie(COOKIE)!, new Uint8Array(KEY_1.key as Buffer));
    const text = new TextDecoder().decode(opened.plaintext).replace('"data":{', '"data":{"__proto__":{"admin":true},');
    const sealed = await new CompactEncrypt(new TextEncoder().encode(text))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', cookie: COOKIE })
      .encrypt(new Uint8Array(KEY_1.key as Buffer));
    expect((await withCookie(browser, sealed).get('/me')).status).toBe(401);
  });

  it('answers validly sealed records of the wrong shape (only a leaked key could make one) without a 500 or a hang', async () => {
    const browser = await login(app);
    const sid = 'A'.repeat(32);
    const shapes = [
      { sid, exp: Date.now() + MINUTE, data: { auth: 'x', meta: 'y' } },
      { sid, exp: Date.now() + MINUTE, data: { auth: { user: null }, meta: { lastSeenAt: 'soon' } } },
      { sid, exp: Date.now() + MINUTE, data: [] },
      { sid: 42, exp: Date.now() + MINUTE, data: {} },
      { sid, exp: 'never', data: {} },
      'not an object',
    ];
    for (const shape of shapes) {
      const sealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(shape)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', cookie: COOKIE })
        .encrypt(new Uint8Array(KEY_1.key as Buffer));
      const res = await withCookie(browser, sealed).get('/me');
      expect(res.status, JSON.stringify(shape)).toBe(401);
    }
  });

  it('refuses a cookie moved from another cookie name (the name is bound in the header)', async () => {
    const browser = await login(app);
    const opened = await compactDecrypt(browser.cookie(COOKIE)!, new Uint8Array(KEY_1.key as Buffer));
    const sealed = await new CompactEncrypt(opened.plaintext)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', cookie: 'other-app' })
      .encrypt(new Uint8Array(KEY_1.key as Buffer));
    expect((await withCookie(browser, sealed).get('/me')).status).toBe(401);
  });

  it('never sends a cookie over 4096 bytes: 500 session_too_large where the module saves, a logged refusal at the end of a response', async () => {
    const anonymous = new BrowserClient(app);
    // At the end of the response: too late for a 500; no cookie, and the browser had none.
    expect((await anonymous.post('/cart', { item: 'x'.repeat(5000) })).status).toBe(204);
    expect(anonymous.cookie(COOKIE)).toBeUndefined();

    // A login saves before it answers: a record that cannot fit is a 500 there, with no cookie.
    const huge = new BrowserClient(app);
    const res = await huge.post('/login', { user: 'u'.repeat(2000) });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'session_too_large', message: expect.stringContaining('4096') });
    expect(sessionCookies(res)).toEqual([]);

    // A logged-in browser keeps its previous cookie (and session) when a write cannot fit.
    const browser = await login(app);
    const before = browser.cookie(COOKIE);
    const write = await browser.post('/data', { notes: 'n'.repeat(5000) });
    expect(write.status).toBe(204);
    expect(sessionCookies(write)).toEqual([]);
    expect(browser.cookie(COOKIE)).toBe(before);
    expect((await browser.get('/me')).body).toMatchObject({ userId: 'alice', data: {} });
  });
});

async function sidOf(value: string): Promise<string> {
  const opened = await compactDecrypt(value, new Uint8Array(KEY_1.key as Buffer));
  return JSON.parse(new TextDecoder().decode(opened.plaintext)).sid as string;
}
