import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { setCookies, type ParsedCookie } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import type { Response } from 'supertest';

/** The one session Set-Cookie of a response; fails when there are none or several. */
function onlySessionCookie(res: Response): ParsedCookie {
  const all = setCookies(res);
  const names = all.map((cookie) => cookie.name);
  expect(new Set(names).size, `one Set-Cookie per name: ${names.join(', ')}`).toBe(names.length);
  const session = all.filter((cookie) => cookie.name === COOKIE);
  expect(session).toHaveLength(1);
  return session[0]!;
}

function expectHardened(cookie: ParsedCookie): void {
  expect(cookie.name).toBe('__Host-sid');
  expect(cookie.attributes).toEqual({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
  // No Domain, no Expires, no Max-Age: a host-only browser-session cookie.
  expect(cookie.raw).not.toMatch(/domain=|expires=|max-age=/i);
  expect(Buffer.byteLength(`${cookie.name}=${cookie.value}`)).toBeLessThanOrEqual(4096);
}

describe.each(STORES)('T01 cookie attributes on $name', (under) => {
  let running: RunningBasicApp;
  beforeAll(async () => {
    running = await startBasicApp(under);
  });
  afterAll(() => running.close());

  it('login sets exactly one __Host-sid; Secure; HttpOnly; Path=/; SameSite=Lax, no Domain, no Expires', async () => {
    const res = await running.login(running.browser());
    expect(res.status).toBe(200);
    expectHardened(onlySessionCookie(res));
  });

  it('an anonymous session that stores data gets the same cookie attributes', async () => {
    const res = await running.browser().post('/cart', { item: 'book' });
    expect(res.status).toBe(204);
    expectHardened(onlySessionCookie(res));
  });

  it('MFA completion issues one hardened cookie', async () => {
    const secret = await running.enrollMfa('t01-mfa');
    const browser = running.browser();
    expectHardened(onlySessionCookie(await running.login(browser, 't01-mfa')));
    const res = await browser.post('/mfa/verify', { code: await running.code(secret) });
    expect(res.status).toBe(200);
    expectHardened(onlySessionCookie(res));
  });

  it('a request that changes nothing sets no cookie (no rolling cookie, no anonymous session)', async () => {
    const browser = await running.loggedIn('t01-quiet');
    const me = await browser.get('/me');
    expect(me.status).toBe(200);
    expect(setCookies(me)).toEqual([]);
    const anonymous = await running.browser().get('/cart');
    expect(anonymous.status).toBe(200);
    expect(setCookies(anonymous)).toEqual([]);
  });

  it('the cookie stays small with a long user name and app data (name + value <= 4096 bytes)', async () => {
    const browser = running.browser();
    await browser.post('/cart', { item: 'x'.repeat(10_000) });
    const res = await running.login(browser, 'u'.repeat(2_000));
    expect(res.status).toBe(200);
    const cookie = onlySessionCookie(res);
    expect(cookie.value.length).toBeLessThan(100);
  });
});
