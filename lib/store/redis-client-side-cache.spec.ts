import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDIS_URL } from '../../test/support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../test/support/stores.js';
import { clientSideCacheClientOptions, clientSideCacheProblems } from './redis-client-side-cache.js';
import { RedisSessionStore } from './redis-session.store.js';

/** Blocks this thread (not just this task), so that replies pile up in the kernel meanwhile. */
function blockThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('clientSideCacheClientOptions', () => {
  it('turns on RESP3 caching with the defaults', () => {
    expect(clientSideCacheClientOptions({})).toEqual({
      RESP: 3,
      clientSideCache: { maxEntries: 10_000, ttl: 30_000, evictPolicy: 'LRU' },
    });
  });

  it.each([
    [{ maxEntries: 0 }, /maxEntries must be a positive integer/],
    [{ maxEntries: 1.5 }, /maxEntries must be a positive integer/],
    [{ ttl: 999 }, /ttl must be a number of milliseconds >= 1000/],
    [{ ttl: Number.NaN }, /ttl must be a number of milliseconds >= 1000/],
  ])('clientSideCacheProblems refuses %o', (bad, problem) => {
    expect(clientSideCacheProblems(bad)).toEqual([expect.stringMatching(problem)]);
  });

  it('clientSideCacheProblems names every problem at once, and none for good options', () => {
    expect(clientSideCacheProblems({ maxEntries: 0, ttl: 1 })).toHaveLength(2);
    expect(clientSideCacheProblems(null)).toEqual([expect.stringMatching(/must be an object/)]);
    expect(clientSideCacheProblems({ maxEntries: 5, ttl: 5_000 })).toEqual([]);
  });
});

describe.skipIf(!redisAvailable)('RedisSessionStore with clientSideCache (redis)', () => {
  const prefix = uniquePrefix('csc-store');
  let store: RedisSessionStore;
  let other: RedisClientType;

  beforeAll(async () => {
    store = new RedisSessionStore({ url: REDIS_URL, prefix, clientSideCache: { maxEntries: 100 } });
    await store.connect();
    other = await connectTestRedis();
  });

  afterAll(async () => {
    await store.close();
    await deleteKeys(other, prefix);
    await other.close();
  });

  it('has every other caching instance see a destroy by the time it resolves', async () => {
    const second = new RedisSessionStore({ url: REDIS_URL, prefix, clientSideCache: { maxEntries: 100 } });
    await second.connect();
    try {
      for (let i = 0; i < 20; i++) {
        const key = `d${i}`;
        await store.set(key, { n: i }, 60_000, 'create');
        await second.get(key);
        expect(await second.get(key)).toEqual({ n: i });
        await store.destroy(key);
        expect(await second.get(key)).toBeNull();
      }
    } finally {
      await second.close();
    }
  });

  it('uses the cache of an app-supplied RESP3 client with the same guarantees', async () => {
    const client = createClient({ url: REDIS_URL, RESP: 3, clientSideCache: { maxEntries: 10 } }) as unknown as RedisClientType;
    const appOwned = new RedisSessionStore({ client, prefix });
    await client.connect();
    try {
      await appOwned.set('app', { n: 1 }, 60_000, 'create');
      await appOwned.get('app');
      const hits = client.clientSideCache!.stats().hitCount;
      expect(await appOwned.get('app')).toEqual({ n: 1 });
      expect(client.clientSideCache!.stats().hitCount).toBeGreaterThan(hits);
      await store.destroy('app');
      expect(await appOwned.get('app')).toBeNull();
      await appOwned.close();
      expect(client.isOpen).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('refuses the option together with an app-supplied client', () => {
    expect(() => new RedisSessionStore({ client: other, clientSideCache: {} })).toThrow(/createClient\(\{ RESP: 3/);
  });

  it('never returns a record deleted elsewhere once the delete has been answered, even when the invalidation is still unread', async () => {
    const cache = store.client.clientSideCache!;
    let raced = 0;
    for (let i = 0; i < 20; i++) {
      const key = `k${i}`;
      expect(await store.set(key, { n: i }, 60_000, 'create')).toBe(true);
      await store.get(key);
      const hits = cache.stats().hitCount;
      expect(await store.get(key)).toEqual({ n: i });
      expect(cache.stats().hitCount).toBeGreaterThan(hits);

      let applied = false;
      const onInvalidate = () => (applied = true);
      cache.on('invalidate', onInvalidate);
      const deleted = other.del(prefix + key);
      // node-redis writes queued commands in a setImmediate; once it has, the DEL reply and the
      // invalidation push both arrive while this thread is blocked, so the next event-loop pass
      // finds both sockets readable and may hand us the reply first.
      await new Promise((resolve) => setImmediate(resolve));
      blockThread(20);
      await deleted;
      if (!applied) raced++;
      // Several reads in the same turn share one yield; each must see the delete.
      const reads = await Promise.all([store.get(key), store.get(key), store.get(key)]);
      cache.off('invalidate', onInvalidate);
      expect(reads).toEqual([null, null, null]);
    }
    // How often the read started before the push was applied depends on the kernel and on
    // libuv's event order (usually all 20 here); the assertion above must hold either way.
    // Without the store's barrier (InvalidationBarrier) this test fails whenever one did.
    console.info(`client-side cache: ${raced} of 20 reads started before their invalidation was applied`);
  });

  it('yields once per event-loop turn for all the cached reads of that turn, not once per read', async () => {
    await store.set('shared', { n: 1 }, 60_000, 'create');
    await store.get('shared');
    // Only the cache's own yields count: node-redis or a timer elsewhere in the process may
    // schedule immediates of their own meanwhile.
    const original = globalThis.setImmediate;
    let cacheYields = 0;
    const immediates = vi.spyOn(globalThis, 'setImmediate').mockImplementation(((...args: Parameters<typeof setImmediate>) => {
      if (new Error().stack?.includes('redis-client-side-cache.ts')) cacheYields++;
      return original(...args);
    }) as typeof setImmediate);
    try {
      const reads = await Promise.all(Array.from({ length: 10 }, () => store.get('shared')));
      expect(reads).toEqual(Array.from({ length: 10 }, () => ({ n: 1 })));
      expect(cacheYields).toBe(1);
    } finally {
      immediates.mockRestore();
    }
  });
});
