import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecurityActivityStore } from '../../lib/monitoring/memory-security-activity.store.js';
import { RedisSecurityActivityStore } from '../../lib/monitoring/redis-security-activity.store.js';
import type { ActivityLimits, SecurityActivityEntry, SecurityActivityStore } from '../../lib/monitoring/security-activity.store.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../support/stores.js';

const T0 = 1_800_000_000_000;
const DAY = 86_400_000;
const LONDON = { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931, accuracyRadiusKm: 10 };

const limits = (now: number, over: Partial<ActivityLimits> = {}): ActivityLimits => ({ now, maxEntries: 5, ttl: 30 * DAY, historyTtl: 30 * DAY, ...over });
const entry = (type: string, at = T0): SecurityActivityEntry => ({ type, at, ip: '81.2.69.0/24', location: { country: 'GB', city: 'London' }, browser: 'Firefox 128', os: 'Linux' });

let redis: RedisClientType;
const prefix = uniquePrefix('activity');
const kinds = redisAvailable ? ['memory', 'redis'] : ['memory'];

beforeAll(async () => {
  if (redisAvailable) redis = await connectTestRedis();
});
afterAll(async () => {
  if (!redisAvailable) return;
  await deleteKeys(redis, prefix);
  await redis.close();
});

describe.each(kinds)('SecurityActivityStore on %s', (kind) => {
  const make = (): SecurityActivityStore => (kind === 'redis' ? new RedisSecurityActivityStore(redis, prefix) : new MemorySecurityActivityStore());
  let n = 0;
  const user = () => `user-${kind}-${++n}`;

  it('a login returns the previous login and the device family\'s last use, and records itself, in one call', async () => {
    const store = make();
    const id = user();
    expect(await store.recordLogin(id, { at: T0, location: LONDON }, 'Firefox on Linux', entry('login'), limits(T0))).toEqual({
      previous: undefined,
      deviceLastSeen: undefined,
    });
    const second = await store.recordLogin(id, { at: T0 + 1_000 }, 'Safari on iOS', entry('login', T0 + 1_000), limits(T0 + 1_000));
    expect(second).toEqual({ previous: { at: T0, location: LONDON }, deviceLastSeen: undefined });
    const third = await store.recordLogin(id, { at: T0 + 2_000 }, 'Firefox on Linux', entry('login', T0 + 2_000), limits(T0 + 2_000));
    expect(third).toEqual({ previous: { at: T0 + 1_000 }, deviceLastSeen: T0 });
    expect((await store.list(id, 50, T0 + 2_000)).map((e) => e.at)).toEqual([T0 + 2_000, T0 + 1_000, T0]);
  });

  it('keeps the newest maxEntries, newest first', async () => {
    const store = make();
    const id = user();
    for (let i = 0; i < 8; i++) await store.append(id, entry(`e${i}`, T0 + i), limits(T0 + i));
    expect((await store.list(id, 50, T0 + 8)).map((e) => e.type)).toEqual(['e7', 'e6', 'e5', 'e4', 'e3']);
    expect((await store.list(id, 2, T0 + 8)).map((e) => e.type)).toEqual(['e7', 'e6']);
  });

  it('restoreLogin undoes a refused login\'s history, not its log entry', async () => {
    const store = make();
    const id = user();
    await store.recordLogin(id, { at: T0, location: LONDON }, 'Firefox on Linux', entry('login'), limits(T0));
    const history = await store.recordLogin(id, { at: T0 + 1 }, 'Safari on iOS', entry('login', T0 + 1), limits(T0 + 1));
    await store.restoreLogin(id, 'Safari on iOS', history);
    const next = await store.recordLogin(id, { at: T0 + 2 }, 'Safari on iOS', entry('login', T0 + 2), limits(T0 + 2));
    expect(next).toEqual({ previous: { at: T0, location: LONDON }, deviceLastSeen: undefined });
    expect(await store.list(id, 50, T0 + 2)).toHaveLength(3);
  });

  it('user IDs of any shape stay apart (braces, lone surrogates, __proto__, 1 MB)', async () => {
    const store = make();
    const ids = ['a}b', 'a{b', '__proto__', 'constructor', '\ud800', '\udc00', 'x'.repeat(1_000_000), 'a\u0000b'];
    for (const [i, id] of ids.entries()) await store.append(id, entry(`only-${i}`), limits(T0));
    for (const [i, id] of ids.entries()) expect((await store.list(id, 50, T0)).map((e) => e.type)).toEqual([`only-${i}`]);
  });

  it.runIf(kind === 'redis')('Redis: both keys under the user\'s hash tag, with the TTLs asked for', async () => {
    const store = new RedisSecurityActivityStore(redis, prefix);
    const id = user();
    await store.recordLogin(id, { at: Date.now() }, 'Firefox on Linux', entry('login'), limits(Date.now(), { ttl: 60_000, historyTtl: 120_000 }));
    const { history, log } = store.keys(id);
    expect(history).toBe(`${prefix}security:{u:${id}}:history`);
    expect(log).toBe(`${prefix}security:{u:${id}}:log`);
    const logTtl = await redis.pTTL(log);
    const historyTtl = await redis.pTTL(history);
    expect(logTtl).toBeGreaterThan(0);
    expect(logTtl).toBeLessThanOrEqual(60_000);
    expect(historyTtl).toBeGreaterThan(60_000);
    expect(historyTtl).toBeLessThanOrEqual(120_000);
  });

  it.runIf(kind === 'memory')('memory: a log past its TTL is empty, and the oldest user goes first beyond maxUsers', async () => {
    const store = new MemorySecurityActivityStore(2);
    await store.append('a', entry('x'), limits(T0, { ttl: 1_000 }));
    expect(await store.list('a', 50, T0 + 999)).toHaveLength(1);
    expect(await store.list('a', 50, T0 + 1_000)).toEqual([]);
    await store.append('b', entry('x'), limits(T0));
    await store.append('c', entry('x'), limits(T0));
    await store.append('d', entry('x'), limits(T0));
    expect(await store.list('b', 50, T0)).toEqual([]);
    expect(await store.list('d', 50, T0)).toHaveLength(1);
  });
});
