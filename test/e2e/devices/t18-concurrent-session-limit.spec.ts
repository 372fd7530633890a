import { afterEach, describe, expect, it, vi } from 'vitest';
import { STORES } from '../../support/stores.js';
import { type DevicesBrowser, DevicesHarness } from '../../apps/test-app/index.js';

const LIMIT = 5;
const LOGINS = 100;

describe.each(STORES)('T18 concurrent-session limit on $name', (under) => {
  let h: DevicesHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function meStatuses(browsers: DevicesBrowser[]): Promise<number[]> {
    const statuses: number[] = [];
    for (const browser of browsers) statuses.push((await browser.get('/me')).status);
    return statuses;
  }

  it(`evict-oldest: after ${LOGINS} logins only the ${LIMIT} newest sessions live`, async () => {
    h = await DevicesHarness.start(under, { maxSessionsPerUser: LIMIT, sessionLimitPolicy: 'evict-oldest' });
    const user = 't18-evict';
    const browsers: DevicesBrowser[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const browser = h.browser();
      expect((await browser.post('/login', { user })).status).toBe(200);
      browsers.push(browser);
    }
    const statuses = await meStatuses(browsers);
    expect(statuses.slice(0, LOGINS - LIMIT).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(LOGINS - LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect(await h.list(browsers.at(-1)!)).toHaveLength(LIMIT);
    expect(await h.index().list(user, Date.now())).toHaveLength(LIMIT);
    if (h.redis) expect(await h.redis.hLen(h.indexKeys(user)[1])).toBe(LIMIT);
  }, 60_000); // 100 logins in a row: generous for a loaded machine; no timing is asserted.

  it(`reject: the ${LIMIT} first logins live, every later one answers 409 session_limit`, async () => {
    h = await DevicesHarness.start(under, { maxSessionsPerUser: LIMIT, sessionLimitPolicy: 'reject' });
    const user = 't18-reject';
    const admitted: DevicesBrowser[] = [];
    const refused: DevicesBrowser[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const browser = h.browser();
      const res = await browser.post('/login', { user });
      if (i < LIMIT) {
        expect(res.status).toBe(200);
        admitted.push(browser);
      } else {
        expect(res.status).toBe(409);
        expect(res.body).toEqual({ error: 'session_limit', message: expect.stringContaining(`${LIMIT} active sessions`) });
        refused.push(browser);
      }
    }
    expect(await meStatuses(admitted)).toEqual(Array(LIMIT).fill(200));
    expect((await meStatuses(refused)).every((status) => status === 401)).toBe(true);
    expect(await h.index().list(user, Date.now())).toHaveLength(LIMIT);

    // Logging in again from an admitted session replaces it: still allowed at the limit.
    expect((await admitted[0]!.post('/login', { user })).status).toBe(200);
    expect(await meStatuses(admitted)).toEqual(Array(LIMIT).fill(200));

    // One logout makes room for one login; another user is not affected at all.
    expect((await admitted[1]!.post('/logout')).status).toBe(204);
    expect((await h.browser().post('/login', { user })).status).toBe(200);
    expect((await h.browser().post('/login', { user })).status).toBe(409);
    expect((await h.browser().post('/login', { user: 't18-reject-other' })).status).toBe(200);
  }, 60_000); // 100 logins in a row: generous for a loaded machine; no timing is asserted.

  it('reject: a refused login leaves the browser’s previous session as it was', async () => {
    h = await DevicesHarness.start(under, { maxSessionsPerUser: 1, sessionLimitPolicy: 'reject' });
    await h.loggedIn('t18-full');
    const other = await h.loggedIn('t18-someone-else');
    expect((await other.post('/login', { user: 't18-full' })).status).toBe(409);
    expect((await other.get('/me')).body).toMatchObject({ userId: 't18-someone-else' });
  });

  it('a login within the limit takes its count from the index write; only one over it lists the sessions', async () => {
    h = await DevicesHarness.start(under, { maxSessionsPerUser: 2, sessionLimitPolicy: 'evict-oldest' });
    const user = 't18-count';
    const list = vi.spyOn(h.index(), 'list');
    const first = await h.loggedIn(user);
    await h.loggedIn(user);
    expect(list).not.toHaveBeenCalled();
    await h.loggedIn(user);
    expect(list).toHaveBeenCalledTimes(1);
    expect((await first.get('/me')).status).toBe(401);
    expect(await h.index().list(user, Date.now())).toHaveLength(2);
  });

  it('MFA-pending sessions count toward the limit', async () => {
    h = await DevicesHarness.start(under, { maxSessionsPerUser: 2, sessionLimitPolicy: 'reject' });
    const user = 't18-pending';
    await h.enrollMfa(user);
    await h.loggedIn(user);
    await h.loggedIn(user);
    expect((await h.browser().post('/login', { user })).status).toBe(409);
  });

  it('concurrent logins never leave more live sessions than the limit, under either policy', async () => {
    for (const policy of ['reject', 'evict-oldest'] as const) {
      h = await DevicesHarness.start(under, { maxSessionsPerUser: LIMIT, sessionLimitPolicy: policy });
      const user = `t18-race-${policy}`;
      const browsers = Array.from({ length: 20 }, () => h!.browser());
      const answers = await Promise.all(browsers.map((browser) => browser.post('/login', { user })));
      const statuses = await meStatuses(browsers);
      const live = statuses.filter((status) => status === 200).length;
      expect(live).toBeGreaterThan(0);
      expect(live).toBeLessThanOrEqual(LIMIT);
      if (policy === 'reject') {
        // Every login answered 200 holds a live session; every other one answered 409.
        answers.forEach((res, i) => expect(res.status).toBe(statuses[i] === 200 ? 200 : 409));
      } else {
        expect(live).toBe(LIMIT);
      }
      expect(await h.index().list(user, Date.now())).toHaveLength(live);
      await h.close();
      h = undefined;
    }
  });
});
