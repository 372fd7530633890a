import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { sessionIdOf } from '../../support/session-cookie.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';

/** Every route of the fixture behind MfaGuard, with a body where it takes one. */
const FULLY_GUARDED: Array<[method: 'get' | 'post', path: string, body?: object]> = [
  ['get', '/me'],
  ['post', '/mfa/enroll'],
  ['post', '/mfa/enroll/confirm', { code: '123456' }],
];

function send(browser: BrowserClient, [method, path, body]: (typeof FULLY_GUARDED)[number]) {
  return method === 'get' ? browser.get(path) : browser.post(path, body);
}

describe.each(STORES)('T09 half-open session on $name', (under) => {
  let running: RunningBasicApp;
  let secret: string;
  beforeAll(async () => {
    running = await startBasicApp(under);
    secret = await running.enrollMfa('t09');
  });
  afterAll(() => running.close());

  async function passwordOnly(): Promise<BrowserClient> {
    const browser = running.browser();
    const res = await running.login(browser, 't09');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: 't09', username: 't09' }, mfa: 'required' });
    return browser;
  }

  it('anonymous requests get 401 unauthenticated on every guarded route, MFA verify included', async () => {
    for (const route of [...FULLY_GUARDED, ['post', '/mfa/verify', { code: '123456' }] as const]) {
      const res = await send(running.browser(), route as (typeof FULLY_GUARDED)[number]);
      expect(res.status, route[1]).toBe(401);
      expect(res.body).toEqual({ error: 'unauthenticated', message: expect.any(String) });
    }
  });

  it('after the password only, every fully guarded route answers 403 mfa_required', async () => {
    const browser = await passwordOnly();
    for (const route of FULLY_GUARDED) {
      const res = await send(browser, route);
      expect(res.status, route[1]).toBe(403);
      expect(res.body).toEqual({ error: 'mfa_required', message: expect.any(String) });
    }
  });

  it('the half-open session reaches the MFA step: a wrong code is refused there, not at the guard', async () => {
    const browser = await passwordOnly();
    const wrong = String((Number(await running.code(secret)) + 1) % 1_000_000).padStart(6, '0');
    const res = await browser.post('/mfa/verify', { code: wrong });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_code' });
    const malformed = await browser.post('/mfa/verify', { code: 'abc' });
    expect(malformed.status).toBe(400);
    // Still half-open.
    expect((await browser.get('/me')).status).toBe(403);
  });

  it('the half-open session can log out', async () => {
    const browser = await passwordOnly();
    const value = browser.cookie(COOKIE)!;
    expect((await browser.post('/logout')).status).toBe(204);
    expect(await running.hasRecord(value)).toBe(false);
  });

  it('a valid code changes the session ID and opens the guarded routes', async () => {
    const browser = await passwordOnly();
    const before = browser.cookie(COOKIE)!;
    const res = await browser.post('/mfa/verify', { code: await running.code(secret) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mfa: 'verified' });
    const after = browser.cookie(COOKIE)!;
    expect(sessionIdOf(after)).not.toBe(sessionIdOf(before));

    const me = await browser.get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: 't09', mfa: 'verified', cart: null });
    expect((await browser.post('/mfa/enroll')).status).toBe(200);
    // The MFA step is over: a second verify is refused as not pending.
    const again = await browser.post('/mfa/verify', { code: await running.code(secret) });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'mfa_not_pending' });
  });

  it('a user without MFA is fully authenticated after the password', async () => {
    const browser = running.browser();
    expect((await running.login(browser, 't09-plain')).body).toMatchObject({ mfa: 'none' });
    expect((await browser.get('/me')).body).toMatchObject({ userId: 't09-plain', mfa: 'none' });
  });
});
