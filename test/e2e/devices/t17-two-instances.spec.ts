import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_ANDROID, DevicesHarness, SAFARI_IPHONE } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

const redis = STORES.find((store) => store.name === 'redis');

describe.runIf(redis)('T17 two app instances sharing one Redis', () => {
  let one: DevicesHarness;
  let two: DevicesHarness;
  beforeAll(async () => {
    one = await DevicesHarness.start(redis!);
    two = await DevicesHarness.start(redis!, {}, one);
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('a session revoked on one instance is refused on the other at once', async () => {
    const user = 'two-revoke';
    const laptopOnOne = await one.loggedIn(user);
    const phoneOnTwo = await two.loggedIn(user, SAFARI_IPHONE);
    // Either instance lists both sessions: the index is in Redis, not in a process.
    expect((await one.list(laptopOnOne)).map((row) => row.userAgent).sort()).toEqual([laptopOnOne.userAgent, SAFARI_IPHONE].sort());
    const laptopOnTwo = laptopOnOne.on(two.app);
    expect((await laptopOnTwo.get('/me')).status).toBe(200);

    const laptopId = (await two.list(phoneOnTwo)).find((row) => !row.current)!.id;
    expect((await phoneOnTwo.delete(`/api/sessions/${laptopId}`)).status).toBe(204);

    expect((await laptopOnOne.get('/me')).status).toBe(401);
    expect((await laptopOnTwo.get('/me')).status).toBe(401);
    expect((await phoneOnTwo.on(one.app).get('/me')).status).toBe(200);
  });

  it('revoke-others and revoke-all on one instance reach sessions used through the other', async () => {
    const user = 'two-all';
    const a = await one.loggedIn(user);
    const b = await two.loggedIn(user, SAFARI_IPHONE);
    const c = await two.loggedIn(user, CHROME_ANDROID);

    expect((await a.post('/api/sessions/revoke-others')).status).toBe(204);
    expect((await b.get('/me')).status).toBe(401);
    expect((await c.on(one.app).get('/me')).status).toBe(401);
    expect((await a.on(two.app).get('/me')).status).toBe(200);

    expect((await two.browser().post(`/admin/users/${user}/revoke-all`)).body).toEqual({ revoked: 1 });
    expect((await a.get('/me')).status).toBe(401);
  });

  it('the session limit counts the sessions of every instance', async () => {
    const limited = await DevicesHarness.start(redis!, { maxSessionsPerUser: 2, sessionLimitPolicy: 'reject' });
    const other = await DevicesHarness.start(redis!, { maxSessionsPerUser: 2, sessionLimitPolicy: 'reject' }, limited);
    try {
      await limited.loggedIn('two-limit');
      await other.loggedIn('two-limit');
      expect((await limited.browser().post('/login', { user: 'two-limit' })).status).toBe(409);
      expect((await other.browser().post('/login', { user: 'two-limit' })).status).toBe(409);
    } finally {
      await other.close();
      await limited.close();
    }
  });
});
