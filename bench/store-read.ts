/**
 * The session store's read path alone, in one process, without HTTP: server CPU per read of a
 * logged-in record through RedisSessionStore.get(), plain and with the client-side cache.
 * Started by bench/run.mjs (BENCH_REDIS_URL); prints one JSON line.
 *
 * BENCH_STORE_BASELINE=/path/to/another/checkout (e.g. a worktree of main) measures that
 * checkout's store too, alternately with this one in every round, under the `baseline` key:
 * a before/after comparison from one run, on a machine whose load drifts.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RedisSessionStore } from '../lib/store/redis-session.store.js';
import type { RedisStoreOptions } from '../lib/store/redis-session.store.js';

const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const READS = 20_000;
const CONCURRENCY = 10;

type StoreClass = typeof RedisSessionStore;

const record = {
  auth: { user: { id: 'alice', username: 'alice' }, authenticatedAt: Date.now(), mfa: 'none' },
  meta: { createdAt: Date.now(), lastSeenAt: Date.now(), handle: 'AAAAAAAAAAAAAAAAAAAAAA', ip: '127.0.0.1', userAgent: 'Mozilla/5.0' },
};

/** CPU µs per read with CONCURRENCY readers in flight, after a warm-up. */
async function cpuPerRead(Store: StoreClass, options: RedisStoreOptions): Promise<number> {
  const store = new Store({ url, prefix: 'bench-store:', ...options });
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

type Result = { redis: number[]; cached: number[] };
const round = async (Store: StoreClass, into: Result) => {
  into.redis.push(await cpuPerRead(Store, {}));
  into.cached.push(await cpuPerRead(Store, { clientSideCache: {} }));
};

const baselineRoot = process.env.BENCH_STORE_BASELINE;
const Baseline: StoreClass | undefined = baselineRoot
  ? ((await import(pathToFileURL(path.resolve(baselineRoot, 'lib/store/redis-session.store.ts')).href)) as { RedisSessionStore: StoreClass })
      .RedisSessionStore
  : undefined;

const rounds = Number(process.env.BENCH_STORE_ROUNDS ?? 5);
const result: Result & { baseline?: Result } = { redis: [], cached: [], ...(Baseline ? { baseline: { redis: [], cached: [] } } : {}) };
for (let r = 0; r < rounds; r++) {
  // Alternate which one goes first, so that neither always runs on a warmer (or busier) machine.
  if (Baseline && r % 2 === 0) await round(Baseline, result.baseline!);
  await round(RedisSessionStore, result);
  if (Baseline && r % 2 === 1) await round(Baseline, result.baseline!);
}
console.log(JSON.stringify(result));
