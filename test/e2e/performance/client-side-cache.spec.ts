import type { INestApplication } from '@nestjs/common';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_STORE, SessionModule } from '../../../lib/index.js';
import { RedisSessionStore } from '../../../lib/redis.js';
import { BASIC_ROUTES, CHROME_ANDROID, createTestApp, type DevicesBrowser, DevicesHarness, type RunningMfaApp, SAFARI_IPHONE, startMfaApp, testOptions } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import {
  connectTestRedis,
  deleteKeys,
  redisAvailable,
  uniquePrefix,
  type StoreUnderTest,
} from '../../support/stores.js';

/**
 * T06/T17 with client-side caching: two app instances share one Redis and cache session
 * records in process. What this proves: the cache is really used (hits, no round trip), and a
 * logout or a data change on one instance is seen by the other instance's very next request,
 * because Redis pushes an invalidation (CLIENT TRACKING) and the store waits for pushes already
 * received before it trusts a cached record. What it cannot prove: delivery of an invalidation
 * over a real network (here both instances share a loopback and an event loop); see
 * docs/performance.md for the guarantee and its limits.
 */
describe.skipIf(!redisAvailable)('T06 logout reaches every instance through a client-side cache (redis)', () => {
  const prefix = uniquePrefix('csc');
  let one: INestApplication;
  let two: INestApplication;
  let redis: RedisClientType;

  const cacheOf = (app: INestApplication) => {
    const store = app.get<RedisSessionStore>(SESSION_STORE);
    const cache = store.client.clientSideCache;
    if (!cache) throw new Error('the store should have created a caching client');
    return cache;
  };
  const withCookiesOf = (from: BrowserClient, app: INestApplication) => {
    const client = new BrowserClient(app);
    for (const [name, value] of from.jar) client.jar.set(name, value);
    return client;
  };
  const sessionModule = () =>
    SessionModule.forRoot({
      ...testOptions(),
      store: { redis: { url: REDIS_URL, prefix, clientSideCache: { maxEntries: 100 } } },
      isGlobal: true,
    });

  beforeAll(async () => {
    redis = await connectTestRedis();
    one = await createTestApp({ session: sessionModule(), routes: BASIC_ROUTES });
    two = await createTestApp({ session: sessionModule(), routes: BASIC_ROUTES });
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('serves a hot session from the cache, with no round trip', async () => {
    const browser = new BrowserClient(one);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    const onTwo = withCookiesOf(browser, two);
    expect((await onTwo.get('/me')).status).toBe(200);

    const before = cacheOf(two).stats();
    const res = await onTwo.get('/me');
    const after = cacheOf(two).stats();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: 'alice' });
    expect(after.hitCount - before.hitCount).toBeGreaterThanOrEqual(1);
    expect(after.missCount - before.missCount).toBe(0);
  });

  it('answers 401 on instance 2 at the very next request after a logout on instance 1, every time', async () => {
    for (let i = 0; i < 25; i++) {
      const browser = new BrowserClient(one);
      expect((await browser.post('/login', { user: `user-${i}` })).status).toBe(200);
      const onTwo = withCookiesOf(browser, two);
      // Both instances now hold the record in their caches.
      expect((await browser.get('/me')).status).toBe(200);
      expect((await onTwo.get('/me')).status).toBe(200);
      const hits = cacheOf(two).stats().hitCount;
      expect((await onTwo.get('/me')).status).toBe(200);
      expect(cacheOf(two).stats().hitCount).toBeGreaterThan(hits);

      expect((await browser.post('/logout')).status).toBe(204);
      const next = await onTwo.get('/me');
      expect(next.status).toBe(401);
      expect(next.body).toMatchObject({ error: 'unauthenticated' });
    }
  });

  it('shows a change written on instance 1 at the very next request on instance 2', async () => {
    const browser = new BrowserClient(one);
    await browser.post('/login', { user: 'bob' });
    const onTwo = withCookiesOf(browser, two);
    for (const item of ['apple', 'pear', 'plum']) {
      expect((await onTwo.get('/me')).status).toBe(200);
      expect((await browser.post('/cart', { item })).status).toBe(204);
      expect((await onTwo.get('/me')).body).toMatchObject({ cart: item });
    }
  });
});

/**
 * T17 with client-side caching: a device revoked (one, the others, all) through one instance is
 * refused at the very next request on the other, whose cache held the record.
 */
describe.skipIf(!redisAvailable)('T17 device revocation reaches every instance through a client-side cache (redis)', () => {
  const caching: StoreUnderTest<'redis'> = {
    name: 'redis',
    options: (prefix) => ({ redis: { url: REDIS_URL, prefix, clientSideCache: { maxEntries: 100 } } }),
  };
  let one: DevicesHarness;
  let two: DevicesHarness;

  beforeAll(async () => {
    one = await DevicesHarness.start(caching);
    two = await DevicesHarness.start(caching, {}, one);
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  /** GET /me on `browser` twice: the second read is served from `app`'s cache. */
  async function cachedOn(h: DevicesHarness, browser: DevicesBrowser): Promise<void> {
    expect((await browser.get('/me')).status).toBe(200);
    const cache = h.app.get<RedisSessionStore>(SESSION_STORE).client.clientSideCache!;
    const hits = cache.stats().hitCount;
    expect((await browser.get('/me')).status).toBe(200);
    expect(cache.stats().hitCount).toBeGreaterThan(hits);
  }

  it('revoke one device on instance 1: refused on instance 2 at its next request, every time', async () => {
    for (let i = 0; i < 10; i++) {
      const user = `csc-revoke-${i}`;
      const laptop = await one.loggedIn(user);
      const phoneOnTwo = (await one.loggedIn(user, SAFARI_IPHONE)).on(two.app);
      await cachedOn(two, phoneOnTwo);
      const phoneId = (await one.list(laptop)).find((row) => !row.current)!.id;
      expect((await laptop.delete(`/api/sessions/${phoneId}`)).status).toBe(204);
      const next = await phoneOnTwo.get('/me');
      expect([next.status, next.body.error]).toEqual([401, 'unauthenticated']);
      expect((await laptop.on(two.app).get('/me')).status).toBe(200);
    }
  });

  it('revoke-others and revoke-all on instance 1 reach the cached sessions of instance 2', async () => {
    const user = 'csc-revoke-all';
    const laptop = await one.loggedIn(user);
    const phoneOnTwo = (await one.loggedIn(user, SAFARI_IPHONE)).on(two.app);
    const tabletOnTwo = (await one.loggedIn(user, CHROME_ANDROID)).on(two.app);
    const laptopOnTwo = laptop.on(two.app);
    for (const browser of [phoneOnTwo, tabletOnTwo, laptopOnTwo]) await cachedOn(two, browser);

    expect((await laptop.post('/api/sessions/revoke-others')).status).toBe(204);
    expect((await phoneOnTwo.get('/me')).status).toBe(401);
    expect((await tabletOnTwo.get('/me')).status).toBe(401);
    await cachedOn(two, laptopOnTwo);

    expect((await one.browser().post(`/admin/users/${user}/revoke-all`)).body).toEqual({ revoked: 1 });
    expect((await laptopOnTwo.get('/me')).status).toBe(401);
  });
});

/** T12/T13 on the RESP3 caching client: the MFA state's scripts answer the same. */
describe.skipIf(!redisAvailable)('T12/T13 MFA state on a client-side caching client (redis)', () => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp({
      name: 'redis',
      options: (prefix) => ({ redis: { url: REDIS_URL, prefix, clientSideCache: {} } }),
    });
  });
  afterAll(() => running?.close());

  it('a code works once, wrong codes lock the account, a recovery code works once', async () => {
    const { secret, recoveryCodes } = await running.seed('csc-mfa');
    const code = await running.code(secret);
    expect((await (await running.passwordOnly('csc-mfa')).post('/mfa/verify', { code })).status).toBe(200);
    expect((await (await running.passwordOnly('csc-mfa')).post('/mfa/verify', { code })).status).toBe(401);
    for (let i = 0; i < 4; i++) await (await running.passwordOnly('csc-mfa')).post('/mfa/verify', { code: '000000' });
    const locked = await (await running.passwordOnly('csc-mfa')).post('/mfa/recovery', { code: recoveryCodes[0] });
    expect([locked.status, locked.body.error]).toEqual([429, 'locked']);
    running.clock.advance(30_000);
    const recover = async () => (await running.passwordOnly('csc-mfa')).post('/mfa/recovery', { code: recoveryCodes[0] });
    expect((await recover()).status).toBe(200);
    expect((await recover()).status).toBe(401);
  });
});
