import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEvent, SessionRevokedEvent } from '../../../lib/index.js';
import { CHROME_ANDROID, COOKIE, DevicesHarness, FIREFOX_WINDOWS, SAFARI_IPHONE } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** T17/T18 audit: every revoked or evicted session is reported, by handle, never by ID or cookie. */
describe.each(STORES)('session.revoked events on $name', (under) => {
  let h: DevicesHarness | undefined;
  const events: SessionEvent[] = [];
  const revoked = () => events.filter((event): event is SessionRevokedEvent => event.type === 'session.revoked');
  const start = async (overrides = {}) => {
    events.length = 0;
    h = await DevicesHarness.start(under, { onEvent: (event) => void events.push(event), ...overrides });
    return h;
  };
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('revoke, revoke-others and revoke-all each report the sessions they ended, with the device they were', async () => {
    const h = await start();
    const user = 'ev-revoke';
    const laptop = await h.loggedIn(user, FIREFOX_WINDOWS);
    const phone = await h.loggedIn(user, SAFARI_IPHONE);
    const tablet = await h.loggedIn(user, CHROME_ANDROID);
    const handleOf = async (browser: typeof laptop) => (await browser.get('/me')).body.handle as string;
    const phoneHandle = await handleOf(phone);
    const tabletHandle = await handleOf(tablet);
    const laptopHandle = await handleOf(laptop);
    const storageKeys = (await h.index().list(user, Date.now())).map((entry) => entry.storageKey);
    expect(storageKeys).toHaveLength(3);
    // The session IDs, taken now: revoked browsers drop their cookies later.
    const sessionIds = [laptop, phone, tablet].map((browser) => decodeURIComponent(browser.cookie(COOKIE)!).slice(2, 34));
    expect(sessionIds.every((id) => id.length === 32)).toBe(true);

    expect((await laptop.delete(`/api/sessions/${phoneHandle}`)).status).toBe(204);
    expect(revoked()).toEqual([
      expect.objectContaining({
        userId: user,
        handle: phoneHandle,
        reason: 'revoke',
        userAgent: SAFARI_IPHONE,
        ip: expect.any(String),
      }),
    ]);
    expect((await laptop.post('/password')).status).toBe(204);
    expect(revoked().slice(1)).toEqual([expect.objectContaining({ handle: tabletHandle, reason: 'revoke_others' })]);
    expect((await laptop.post(`/admin/users/${user}/revoke-all`)).status).toBe(200);
    expect(revoked().slice(2)).toEqual([expect.objectContaining({ handle: laptopHandle, reason: 'revoke_all' })]);

    const dump = JSON.stringify(events);
    for (const id of sessionIds) expect(dump).not.toContain(id);
    for (const key of storageKeys) expect(dump).not.toContain(key);
  });

  it('evict-oldest reports the evicted session; a login refused by reject reports nothing', async () => {
    const h = await start({ maxSessionsPerUser: 1, sessionLimitPolicy: 'evict-oldest' });
    const first = await h.loggedIn('ev-limit', FIREFOX_WINDOWS);
    const firstHandle = (await first.get('/me')).body.handle as string;
    await h.loggedIn('ev-limit', SAFARI_IPHONE);
    expect(revoked()).toEqual([
      expect.objectContaining({ userId: 'ev-limit', handle: firstHandle, reason: 'session_limit' }),
    ]);
    await h.close();

    const strict = await start({ maxSessionsPerUser: 1, sessionLimitPolicy: 'reject' });
    await strict.loggedIn('ev-reject');
    expect((await strict.browser().post('/login', { user: 'ev-reject' })).status).toBe(409);
    expect(revoked()).toEqual([]);
  });
});
