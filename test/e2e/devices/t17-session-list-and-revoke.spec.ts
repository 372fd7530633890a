import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCookies, type BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { CHROME_ANDROID, COOKIE, DevicesHarness, SAFARI_IPHONE, TEST_SECRET } from '../../apps/test-app/index.js';

/** The session ID inside a signed cookie value (`s:<id>.<signature>`, URL-encoded). */
function sessionId(cookie: string): string {
  return decodeURIComponent(cookie).slice(2).split('.')[0]!;
}

const hasher = new SessionIdHasher(TEST_SECRET);

describe.each(STORES)('T17 session list and revoke on $name', (under) => {
  let h: DevicesHarness;
  beforeAll(async () => {
    h = await DevicesHarness.start(under);
  });
  afterAll(() => h.close());

  async function meStatus(browser: BrowserClient): Promise<number> {
    return (await browser.get('/me')).status;
  }

  it('lists every live session of the user, MFA-pending ones with mfa:false, and marks the current one', async () => {
    const user = 't17-list';
    await h.enrollMfa(user);
    const laptop = await h.loggedIn(user);
    expect((await h.verifyMfa(laptop, user)).status).toBe(200);
    const phone = await h.loggedIn(user, SAFARI_IPHONE); // password only: MFA pending
    expect(await meStatus(phone)).toBe(403);
    const stranger = await h.loggedIn('t17-list-other', CHROME_ANDROID);

    const rows = await h.list(laptop);
    expect(rows).toHaveLength(2);
    const current = rows.find((row) => row.current)!;
    const pending = rows.find((row) => !row.current)!;
    expect(current).toMatchObject({ mfa: true, browser: 'Firefox 128', os: 'Windows', ip: expect.any(String) });
    expect(pending).toMatchObject({ mfa: false, browser: 'Safari 17', os: 'iOS', userAgent: SAFARI_IPHONE });
    expect(Date.parse(pending.createdAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(pending.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(pending.createdAt));
    expect((await h.list(stranger)).map((row) => row.id)).not.toContain(current.id);

    // The public handle is neither the cookie value nor its session ID nor its storage key.
    for (const [browser, row] of [
      [laptop, current],
      [phone, pending],
    ] as const) {
      const cookie = browser.cookie(COOKIE)!;
      expect(row.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(cookie).not.toContain(row.id);
      expect(row.id).not.toBe(sessionId(cookie));
      expect(row.id).not.toBe(hasher.storageKey(sessionId(cookie)));
    }
  });

  it('revokes one session: its cookie is refused on its very next request, the others go on', async () => {
    const user = 't17-revoke-one';
    const laptop = await h.loggedIn(user);
    const phone = await h.loggedIn(user, SAFARI_IPHONE);
    const tablet = await h.loggedIn(user, CHROME_ANDROID);
    const phoneRow = (await h.list(laptop)).find((row) => row.userAgent === SAFARI_IPHONE)!;
    const phoneKey = hasher.storageKey(sessionId(phone.cookie(COOKIE)!));
    if (h.redis) expect(await h.redis.exists(h.prefix + phoneKey)).toBe(1);

    const res = await laptop.delete(`/api/sessions/${phoneRow.id}`);
    expect(res.status).toBe(204);

    const refused = await phone.get('/me');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'unauthenticated' });
    expect(await meStatus(laptop)).toBe(200);
    expect(await meStatus(tablet)).toBe(200);
    expect((await h.list(laptop)).map((row) => row.userAgent).sort()).toEqual([CHROME_ANDROID, laptop.userAgent].sort());
    if (h.redis) expect(await h.redis.exists(h.prefix + phoneKey)).toBe(0);
    expect(await h.index().get(user, phoneRow.id, Date.now())).toBeNull();

    // Revoking it again: it is not one of the user's sessions any more.
    expect((await laptop.delete(`/api/sessions/${phoneRow.id}`)).status).toBe(404);
  });

  it('answers 404 not_found for a handle of another user and changes nothing', async () => {
    const victim = await h.loggedIn('t17-victim');
    const victimId = (await h.list(victim))[0]!.id;
    const attacker = await h.loggedIn('t17-attacker');

    const res = await attacker.delete(`/api/sessions/${victimId}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', message: expect.any(String) });
    expect(await meStatus(victim)).toBe(200);
    expect((await h.list(victim)).map((row) => row.id)).toEqual([victimId]);

    // An unknown handle and junk answer exactly the same way.
    const unknown = await attacker.delete(`/api/sessions/${'A'.repeat(22)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(res.body);
    const junk = await attacker.delete(`/api/sessions/${'%00'.repeat(50)}`);
    expect(junk.status).toBe(404);
    expect(junk.body).toEqual(res.body);
    expect(await meStatus(attacker)).toBe(200);
  });

  it('DELETE of the current session’s own handle works like logout', async () => {
    const user = 't17-own';
    const browser = await h.loggedIn(user);
    const other = await h.loggedIn(user, CHROME_ANDROID);
    const stolen = browser.clone();
    const own = (await h.list(browser)).find((row) => row.current)!;

    const res = await browser.delete(`/api/sessions/${own.id}`);
    expect(res.status).toBe(204);
    const cleared = setCookies(res).find((cookie) => cookie.name === COOKIE)!;
    expect(cleared.value).toBe('');
    expect(Date.parse(cleared.attributes['expires'] as string)).toBeLessThanOrEqual(Date.now());
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await meStatus(stolen)).toBe(401);
    expect((await h.list(other)).map((row) => row.id)).not.toContain(own.id);
  });

  it('revoke-others (and a password change) signs out every other session, MFA-pending ones too', async () => {
    const user = 't17-others';
    await h.enrollMfa(user);
    const main = await h.loggedIn(user);
    expect((await h.verifyMfa(main, user)).status).toBe(200);
    const pending = await h.loggedIn(user, SAFARI_IPHONE);
    const pending2 = await h.loggedIn(user, CHROME_ANDROID);
    const bystander = await h.loggedIn('t17-others-bystander');
    expect(await h.list(main)).toHaveLength(3);

    expect((await main.post('/api/sessions/revoke-others')).status).toBe(204);
    expect(await meStatus(pending)).toBe(401);
    expect(await meStatus(pending2)).toBe(401);
    expect(await meStatus(main)).toBe(200);
    expect(await meStatus(bystander)).toBe(200);
    expect((await h.list(main)).map((row) => row.current)).toEqual([true]);

    // A password change does the same through revokeOtherSessions.
    const again = await h.loggedIn('t17-password');
    const old1 = await h.loggedIn('t17-password', SAFARI_IPHONE);
    expect((await again.post('/password')).status).toBe(204);
    expect(await meStatus(old1)).toBe(401);
    expect(await meStatus(again)).toBe(200);
  });

  it('revokes all sessions of a user (admin, logout everywhere); disabling an account kills its sessions', async () => {
    const user = 't17-all';
    const browsers = [await h.loggedIn(user), await h.loggedIn(user, SAFARI_IPHONE), await h.loggedIn(user, CHROME_ANDROID)];
    const bystander = await h.loggedIn('t17-all-bystander');
    const admin = h.browser();

    const res = await admin.post(`/admin/users/${user}/revoke-all`);
    expect(res.body).toEqual({ revoked: 3 });
    for (const browser of browsers) expect(await meStatus(browser)).toBe(401);
    expect(await meStatus(bystander)).toBe(200);
    expect(await h.index().list(user, Date.now())).toEqual([]);
    if (h.redis) expect(await h.redis.exists(h.indexKeys(user))).toBe(0);

    const disabledUser = 't17-disabled';
    const victim = await h.loggedIn(disabledUser);
    expect((await admin.post(`/admin/users/${disabledUser}/disable`)).body).toEqual({ revoked: 1 });
    expect(await meStatus(victim)).toBe(401);
    expect((await h.browser().post('/login', { user: disabledUser })).status).toBe(401);
  });

  it('logout removes the session’s index entry', async () => {
    const user = 't17-logout';
    const browser = await h.loggedIn(user);
    const other = await h.loggedIn(user, SAFARI_IPHONE);
    expect(await h.index().list(user, Date.now())).toHaveLength(2);
    expect((await browser.post('/logout')).status).toBe(204);
    expect((await h.index().list(user, Date.now())).map((entry) => entry.userAgent)).toEqual([SAFARI_IPHONE]);
    expect(await h.list(other)).toHaveLength(1);
  });

  it('answers 401 and 403 on the device routes without a full session', async () => {
    const anonymous = h.browser();
    expect((await anonymous.get('/api/sessions')).status).toBe(401);
    expect((await anonymous.post('/api/sessions/revoke-others')).status).toBe(401);
    expect((await anonymous.delete(`/api/sessions/${'A'.repeat(22)}`)).status).toBe(401);
    await h.enrollMfa('t17-half');
    const half = await h.loggedIn('t17-half');
    const res = await half.get('/api/sessions');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'mfa_required' });
  });
});
