/**
 * The session store's read path alone, in one process, without HTTP: server CPU per read of a
 * logged-in record through RedisSessionStore.get(), plain and with the client-side cache.
 * Started by bench/run.mjs (BENCH_REDIS_URL); prints one JSON line.
 */
import { RedisSessionStore } from '../lib/store/redis-session.store.js';
import type { RedisStoreOptions } from '../lib/store/redis-session.store.js';

const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const READS = 20_000;
const CONCURRENCY = 10;

const record = {
  auth: { user: { id: 'alice', username: 'alice' }, authenticatedAt: Date.now(), mfa: 'none' },
  meta: { createdAt: Date.now(), lastSeenAt: Date.now(), handle: 'AAAAAAAAAAAAAAAAAAAAAA', ip: '127.0.0.1', userAgent: 'Mozilla/5.0' },
};

/** CPU µs per read with CONCURRENCY readers in flight, after a warm-up. */
async function cpuPerRead(options: RedisStoreOptions): Promise<number> {
  const store = new RedisSessionStore({ url, prefix: 'bench-store:', ...options });
  await store.connect();
  try {
    await store.set('k', record, 600_000, 'create');
    for (let i = 0; i < 2_000; i++) await store.get('k');
    const before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < READS / CONCURRENCY; i++) await store.get('k');
      }),
    );
    const used = process.cpuUsage(before);
    await store.destroy('k');
    return (used.user + used.system) / READS;
  } finally {
    await store.close();
  }
}

const rounds = Number(process.env.BENCH_STORE_ROUNDS ?? 5);
const result: { redis: number[]; cached: number[] } = { redis: [], cached: [] };
for (let r = 0; r < rounds; r++) {
  result.redis.push(await cpuPerRead({}));
  result.cached.push(await cpuPerRead({ clientSideCache: {} }));
}
console.log(JSON.stringify(result));
