import type { INestApplication } from '@nestjs/common';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore, SESSION_STORE, SessionModule } from '../../../lib/index.js';
import { basicOptions, createBasicApp } from '../../apps/basic/basic.app.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../support/stores.js';

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
      ...basicOptions(),
      store: { redis: { url: REDIS_URL, prefix, clientSideCache: { maxEntries: 100 } } },
      isGlobal: true,
    });

  beforeAll(async () => {
    redis = await connectTestRedis();
    one = await createBasicApp(sessionModule());
    two = await createBasicApp(sessionModule());
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
