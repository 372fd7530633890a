import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemorySessionStore,
  RedisSessionStore,
  SessionModule,
  type SessionStore,
  type StoredSession,
  type WriteMode,
} from '../../../lib/index.js';
import { basicOptions, createBasicApp } from '../../apps/basic/basic.app.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { redisAvailable, uniquePrefix } from '../../support/stores.js';

/** A store whose reads can be made to fail, like Redis during a failover; counts destroys. */
class FlakyStore implements SessionStore {
  failing = false;
  destroyed = 0;
  constructor(private readonly inner: SessionStore) {}
  async get(key: string): Promise<StoredSession | null> {
    if (this.failing) throw new Error('store unavailable (test)');
    return this.inner.get(key);
  }
  set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    return this.inner.set(key, record, ttlMs, mode);
  }
  async destroy(key: string): Promise<void> {
    this.destroyed++;
    await this.inner.destroy(key);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const backends: Array<{ name: string; make(): Promise<SessionStore> }> = [
  { name: 'memory', make: async () => new MemorySessionStore() },
  ...(redisAvailable
    ? [
        {
          name: 'redis',
          make: async () => {
            const store = new RedisSessionStore({ url: REDIS_URL, prefix: uniquePrefix('outage') });
            await store.connect();
            return store;
          },
        },
      ]
    : []),
];

describe.each(backends)('a session the store failed to load is not destroyed ($name)', ({ make }) => {
  let store: FlakyStore;
  let app: INestApplication;

  beforeAll(async () => {
    store = new FlakyStore(await make());
    app = await createBasicApp(SessionModule.forRoot({ ...basicOptions({ store }), isGlobal: true }));
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('answers 503 during the outage and the user is still logged in afterwards', async () => {
    const alice = new BrowserClient(app);
    expect((await alice.post('/login', { user: 'alice' })).status).toBe(200);
    const destroyedBefore = store.destroyed;

    store.failing = true;
    const during = await alice.get('/me');
    expect(during.status).toBe(503);
    expect(during.body.error).toBe('session_store_unavailable');
    expect(during.headers['set-cookie']).toBeUndefined();

    store.failing = false;
    expect(store.destroyed).toBe(destroyedBefore);
    expect((await alice.get('/me')).body).toMatchObject({ userId: 'alice' });
    expect((await alice.post('/logout')).status).toBe(204);
  });
});
