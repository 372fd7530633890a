import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { setCookies } from '../../support/http-client.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('LoginInterceptor contract on $name', (under) => {
  let running: RunningBasicApp;
  beforeAll(async () => {
    running = await startBasicApp(under);
  });
  afterAll(() => running.close());

  /** The record as stored (raw Redis value on Redis, the store's record elsewhere). */
  async function stored(cookieValue: string): Promise<unknown> {
    if (running.redis) return running.redis.get(running.prefix + running.storageKey(cookieValue));
    return running.store.get(running.storageKey(cookieValue));
  }

  /** A logged-in session holding app data, and what it looks like before the failed login. */
  async function sessionWithData(user: string): Promise<{ browser: BrowserClient; value: string; before: unknown }> {
    const browser = await running.loggedIn(user);
    expect((await browser.post('/cart', { item: 'book' })).status).toBe(204);
    const value = browser.cookie(COOKIE)!;
    return { browser, value, before: await stored(value) };
  }

  async function expectUntouched(browser: BrowserClient, value: string, before: unknown, user: string) {
    expect(browser.cookie(COOKIE)).toBe(value);
    expect(await stored(value)).toEqual(before);
    expect((await browser.get('/me')).body).toMatchObject({ userId: user, mfa: 'none', cart: 'book' });
  }

  it('a handler that returns null: 401 invalid_credentials, no cookie, the previous session exactly as it was', async () => {
    const { browser, value, before } = await sessionWithData('li-null');
    const res = await browser.post('/login', { user: 'someone-else', fail: true });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_credentials', message: expect.any(String) });
    expect(setCookies(res)).toEqual([]);
    await expectUntouched(browser, value, before, 'li-null');
  });

  it('a handler that throws: its error goes out, the previous session exactly as it was', async () => {
    const { browser, value, before } = await sessionWithData('li-throw');
    const res = await browser.post('/login', { user: 'someone-else', throw: true });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'account_locked', message: 'Locked.' });
    expect(setCookies(res)).toEqual([]);
    await expectUntouched(browser, value, before, 'li-throw');
  });

  it('a failed login keeps an anonymous session and its data', async () => {
    const browser = running.browser();
    await browser.post('/cart', { item: 'pen' });
    const value = browser.cookie(COOKIE)!;
    expect((await browser.post('/login', { fail: true })).status).toBe(401);
    expect(browser.cookie(COOKIE)).toBe(value);
    expect((await browser.get('/cart')).body).toEqual({ cart: 'pen' });
  });

  it('the new session is saved before the response leaves', async () => {
    for (let i = 0; i < 20; i++) {
      const browser = running.browser();
      const res = await running.login(browser, `li-saved-${i}`);
      expect(res.status).toBe(200);
      const value = browser.cookie(COOKIE)!;
      // Asked right as the response arrives, with nothing in between.
      if (running.redis) expect(await running.redisKeyExists(value)).toBe(true);
      expect(await running.hasRecord(value)).toBe(true);
    }
  });

  it('answers { user, mfa } and stores the user the handler returned', async () => {
    const browser = running.browser();
    const res = await running.login(browser, 'li-body');
    expect(res.body).toEqual({ user: { id: 'li-body', username: 'li-body' }, mfa: 'none' });
    const record = await running.store.get(running.storageKey(browser.cookie(COOKIE)!));
    expect(record).toMatchObject({ auth: { user: { id: 'li-body', username: 'li-body' }, mfa: 'none' } });
  });
});
