import type { INestApplication } from '@nestjs/common';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_STORE, SessionModule } from '../../../lib/index.js';
import { RedisSessionStore } from '../../../lib/redis.js';
import { BASIC_ROUTES, createTestApp, testOptions } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, sessionRecordKeys, uniquePrefix } from '../../support/stores.js';

/**
 * T22 (gray-box) and T06 on Redis with the compact record form: what Redis holds for a logged-in
 * session is small, names no session ID, reads back as the full record, and is gone after logout.
 */
describe.skipIf(!redisAvailable)('T22 stored session records on redis', () => {
  const prefix = uniquePrefix('format');
  let app: INestApplication;
  let redis: RedisClientType;

  beforeAll(async () => {
    redis = await connectTestRedis();
    app = await createTestApp({ session: SessionModule.forRoot({ ...testOptions(), store: { redis: { url: REDIS_URL, prefix } }, isGlobal: true }), routes: BASIC_ROUTES });
  });

  afterAll(async () => {
    await app?.close();
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('keeps one small record per session under a 22-character hashed key, and removes it on logout', async () => {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    expect((await browser.post('/cart', { item: 'apple' })).status).toBe(204);
    const [cookie] = [...browser.jar.values()];
    const sessionId = decodeURIComponent(cookie!).slice(2).split('.')[0]!;

    // The session record, beside the user's device index (`devices:{u:alice}:...`).
    const keys = sessionRecordKeys(prefix, await redis.keys(`${prefix}*`));
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    expect(key.slice(prefix.length)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const text = (await redis.get(key))!;
    expect(text).not.toContain(sessionId);
    expect(text).not.toContain('authenticatedAt');

    const store = app.get<RedisSessionStore>(SESSION_STORE);
    const record = await store.get(key.slice(prefix.length));
    expect(record).toMatchObject({
      auth: { user: { id: 'alice' }, mfa: 'none', authenticatedAt: expect.any(Number) },
      meta: { createdAt: expect.any(Number), lastSeenAt: expect.any(Number), handle: expect.any(String) },
      data: { cart: 'apple' },
    });
    expect((await browser.get('/me')).body).toMatchObject({ userId: 'alice', cart: 'apple' });

    const kept = browser.clone();
    expect((await browser.post('/logout')).status).toBe(204);
    expect(await redis.exists(key)).toBe(0);
    expect((await kept.get('/me')).status).toBe(401);
  });
});
