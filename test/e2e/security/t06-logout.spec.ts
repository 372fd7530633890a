import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { setCookies } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('T06 logout on $name', (under) => {
  let running: RunningBasicApp;
  beforeAll(async () => {
    running = await startBasicApp(under);
  });
  afterAll(() => running.close());

  it('is POST only: GET /logout is 404 and the session lives on', async () => {
    const browser = await running.loggedIn('t06-get');
    const value = browser.cookie(COOKIE)!;
    const res = await browser.get('/logout');
    expect(res.status).toBe(404);
    expect(setCookies(res)).toEqual([]);
    expect((await browser.get('/me')).status).toBe(200);
    expect(await running.hasRecord(value)).toBe(true);
  });

  it('kills the session: the old cookie gets 401 and the store record is gone', async () => {
    const browser = await running.loggedIn('t06');
    const value = browser.cookie(COOKIE)!;
    const stolen = browser.clone();
    if (running.redis) expect(await running.redisKeyExists(value)).toBe(true);

    expect((await browser.post('/logout')).status).toBe(204);

    const me = await stolen.get('/me');
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ error: 'unauthenticated' });
    expect(await running.hasRecord(value)).toBe(false);
    if (running.redis) expect(await running.redisKeyExists(value)).toBe(false);
    expect(browser.cookie(COOKIE)).toBeUndefined();
  });

  it('expires the cookie with the same name and attributes, and tells the browser to drop site data', async () => {
    const browser = await running.loggedIn('t06-headers');
    const res = await browser.post('/logout');
    expect(res.status).toBe(204);
    const cookies = setCookies(res);
    expect(cookies).toHaveLength(1);
    const [expired] = cookies;
    expect(expired!.name).toBe(COOKIE);
    expect(expired!.value).toBe('');
    expect(expired!.attributes).toMatchObject({ path: '/', secure: true, httponly: true, samesite: 'Lax' });
    expect(expired!.raw).not.toMatch(/domain=/i);
    expect(Date.parse(expired!.attributes['expires'] as string)).toBeLessThanOrEqual(Date.now());
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
  });

  it('kills a half-open (password-only) session too', async () => {
    await running.enrollMfa('t06-mfa');
    const browser = running.browser();
    await running.login(browser, 't06-mfa');
    const value = browser.cookie(COOKIE)!;
    const stolen = browser.clone();
    expect((await browser.post('/logout')).status).toBe(204);
    expect((await stolen.post('/mfa/verify', { code: '123456' })).status).toBe(401);
    expect(await running.hasRecord(value)).toBe(false);
  });

  it('without a session still answers 204 with the clearing headers', async () => {
    const res = await running.browser().post('/logout');
    expect(res.status).toBe(204);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(setCookies(res).map((cookie) => cookie.name)).toEqual([COOKIE]);
  });

  it('does not touch the same user’s other sessions', async () => {
    const first = await running.loggedIn('t06-two');
    const second = await running.loggedIn('t06-two');
    expect((await first.post('/logout')).status).toBe(204);
    expect((await second.get('/me')).status).toBe(200);
  });
});
