import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp, TEST_SECRET } from '../../apps/test-app/index.js';
import { sessionIdOf, signedCookieValue } from '../../support/session-cookie.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';

const randomId = () => randomBytes(24).toString('base64url');

describe.each(STORES)('T03 fixation on $name', (under) => {
  let running: RunningBasicApp;
  beforeAll(async () => {
    running = await startBasicApp(under);
  });
  afterAll(() => running.close());

  /** The old cookie no longer reaches anything, and the store no longer holds it. */
  async function expectDead(holder: BrowserClient, cookieValue: string): Promise<void> {
    const me = await holder.get('/me');
    expect(me.status).toBe(401);
    expect(me.body).toMatchObject({ error: 'unauthenticated' });
    expect((await holder.get('/cart')).body).toEqual({ cart: null });
    expect(await running.hasRecord(cookieValue)).toBe(false);
    if (running.redis) expect(await running.redisKeyExists(cookieValue)).toBe(false);
  }

  it('a pre-login session holding app data is dead after login, and its data is not carried over', async () => {
    const browser = running.browser();
    expect((await browser.post('/cart', { item: 'book' })).status).toBe(204);
    const preLogin = browser.cookie(COOKIE)!;
    expect((await browser.get('/cart')).body).toEqual({ cart: 'book' });
    expect(await running.hasRecord(preLogin)).toBe(true);
    const old = browser.clone();

    expect((await running.login(browser)).status).toBe(200);
    const postLogin = browser.cookie(COOKIE)!;
    expect(sessionIdOf(postLogin)).not.toBe(sessionIdOf(preLogin));

    await expectDead(old, preLogin);
    expect((await browser.get('/me')).body).toMatchObject({ userId: 'alice', mfa: 'none', cart: null });
  });

  it('the password-only session of an MFA user is dead once MFA is done', async () => {
    const secret = await running.enrollMfa('t03-mfa');
    const browser = running.browser();
    expect((await running.login(browser, 't03-mfa')).body).toMatchObject({ mfa: 'required' });
    const passwordOnly = browser.cookie(COOKIE)!;
    const stolen = browser.clone();
    expect((await stolen.get('/me')).status).toBe(403);

    expect((await browser.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    const verified = browser.cookie(COOKIE)!;
    expect(sessionIdOf(verified)).not.toBe(sessionIdOf(passwordOnly));
    expect((await browser.get('/me')).body).toMatchObject({ userId: 't03-mfa', mfa: 'verified' });

    await expectDead(stolen, passwordOnly);
    // Nor can the stolen half-open session be finished with a code of its own.
    const retry = await stolen.post('/mfa/verify', { code: await running.code(secret) });
    expect(retry.status).toBe(401);
    expect(retry.body).toMatchObject({ error: 'unauthenticated' });
  });

  it("an attacker's genuine anonymous session planted in the victim's browser is dead after the victim logs in", async () => {
    const attacker = running.browser();
    await attacker.post('/cart', { item: 'bait' });
    const planted = attacker.cookie(COOKIE)!;
    const victim = running.browser();
    victim.jar.set(COOKIE, planted);
    expect((await victim.get('/cart')).body).toEqual({ cart: 'bait' });

    expect((await running.login(victim, 'victim')).status).toBe(200);
    expect(victim.cookie(COOKIE)).not.toBe(planted);
    expect((await victim.get('/me')).body).toMatchObject({ userId: 'victim' });
    await expectDead(attacker, planted);
  });

  it("an attacker's authenticated session planted in the victim's browser does not become the victim's", async () => {
    const attacker = await running.loggedIn('mallory');
    const planted = attacker.cookie(COOKIE)!;
    const victim = running.browser();
    victim.jar.set(COOKIE, planted);

    expect((await running.login(victim, 'victim')).status).toBe(200);
    expect(victim.cookie(COOKIE)).not.toBe(planted);
    expect((await victim.get('/me')).body).toMatchObject({ userId: 'victim' });
    await expectDead(attacker, planted);
  });

  const madeUp: Array<[string, () => string]> = [
    ['an unknown ID signed with the real secret', () => signedCookieValue(randomId(), TEST_SECRET)],
    [
      'an unknown ID signed with another secret',
      () => signedCookieValue(randomId(), 'not-the-secret-not-the-secret-00'),
    ],
    ['a bare unsigned ID', () => randomId()],
    ['an s:-prefixed ID without a signature', () => encodeURIComponent(`s:${randomId()}`)],
  ];

  it.each(madeUp)('%s is never adopted: neither an anonymous write nor a login keeps it', async (_label, make) => {
    const planted = make();
    const victim = running.browser();
    victim.jar.set(COOKIE, planted);
    expect((await victim.get('/me')).status).toBe(401);

    expect((await victim.post('/cart', { item: 'book' })).status).toBe(204);
    const anonymous = victim.cookie(COOKIE)!;
    expect(anonymous).not.toBe(planted);
    expect((await victim.get('/cart')).body).toEqual({ cart: 'book' });

    victim.jar.set(COOKIE, planted);
    expect((await running.login(victim, 'victim')).status).toBe(200);
    const issued = victim.cookie(COOKIE)!;
    expect(issued).not.toBe(planted);
    expect(issued).not.toBe(anonymous);

    // Nothing was ever stored under the planted ID, and the planted cookie reaches nothing.
    if (planted.startsWith('s%3A') && planted.includes('.')) expect(await running.hasRecord(planted)).toBe(false);
    const holder = running.browser();
    holder.jar.set(COOKIE, planted);
    expect((await holder.get('/me')).status).toBe(401);
  });
});
