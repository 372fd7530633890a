import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryMfaStateStore,
  MemorySessionIndex,
  MemorySessionStore,
  type MfaStateStore,
  type SessionIndex,
  type SessionStore,
  type StoredSession,
  type WriteMode,
} from '../../../lib/index.js';
import { RedisMfaStateStore, RedisSessionIndex, RedisSessionStore } from '../../../lib/redis.js';
import { BASIC_ROUTES, createTestApp, InMemoryMfaSecrets, testOptions } from '../../apps/test-app/index.js';
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

/** A store with the device index and MFA state that go with it (a custom store brings both). */
interface Backend {
  store: SessionStore;
  index: SessionIndex;
  mfaState: MfaStateStore;
}

const backends: Array<{ name: string; make(): Promise<Backend> }> = [
  {
    name: 'memory',
    make: async () => ({
      store: new MemorySessionStore(),
      index: new MemorySessionIndex(),
      mfaState: new MemoryMfaStateStore(),
    }),
  },
  ...(redisAvailable
    ? [
        {
          name: 'redis',
          make: async () => {
            const prefix = uniquePrefix('outage');
            const store = new RedisSessionStore({ url: REDIS_URL, prefix });
            await store.connect();
            return {
              store,
              index: new RedisSessionIndex(store.client, prefix),
              mfaState: new RedisMfaStateStore(store.client, prefix),
            };
          },
        },
      ]
    : []),
];

describe.each(backends)('a session the store failed to load is not destroyed ($name)', ({ make }) => {
  let store: FlakyStore;
  let app: INestApplication;

  beforeAll(async () => {
    const backend = await make();
    store = new FlakyStore(backend.store);
    const mfa = { secretStore: new InMemoryMfaSecrets(), issuer: 'Test', stateStore: backend.mfaState };
    app = await createTestApp({ session: testOptions({ store, sessionIndex: backend.index, mfa }), routes: BASIC_ROUTES });
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
