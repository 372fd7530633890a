import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClientType } from 'redis';
import { MemorySessionIndex } from '../../lib/devices/memory-session-index.js';
import { RedisSessionIndex } from '../../lib/devices/redis-session-index.js';
import type { SessionIndex, SessionIndexEntry } from '../../lib/devices/session-index.interface.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../support/stores.js';

/** A session index under test, with a way to see what it holds under the hood. */
interface IndexUnderTest {
  name: string;
  index: SessionIndex;
  /** How many entries of `userId` are physically stored (expired or not). */
  stored(userId: string): Promise<number>;
}

const T0 = 1_800_000_000_000;

function entry(handle: string, expiresAt: number, overrides: Partial<SessionIndexEntry> = {}): SessionIndexEntry {
  return { handle, storageKey: `key-${handle}`, createdAt: T0, lastSeenAt: T0, expiresAt, mfa: 'none', ...overrides };
}

const memoryUnderTest = (): IndexUnderTest => {
  const index = new MemorySessionIndex(() => T0);
  return {
    name: 'memory',
    index,
    // Reading at the beginning of time prunes nothing: it counts what is physically there.
    stored: async (userId) => (await index.list(userId, 0)).length,
  };
};

let redis: RedisClientType;
const prefix = uniquePrefix('index');
const redisUnderTest = (): IndexUnderTest => {
  const index = new RedisSessionIndex(redis, prefix);
  return { name: 'redis', index, stored: (userId) => redis.hLen(index.keys(userId)[1]) };
};

const kinds = redisAvailable ? ['memory', 'redis'] : ['memory'];

beforeAll(async () => {
  if (redisAvailable) redis = await connectTestRedis();
});
afterAll(async () => {
  if (redisAvailable) {
    await deleteKeys(redis, prefix);
    await redis.close();
  }
});

describe.each(kinds)('session index on %s', (kind) => {
  let t: IndexUnderTest;
  let n = 0;
  /** A fresh user for each test. */
  const user = () => `user-${kind}-${++n}`;
  beforeAll(() => {
    t = kind === 'memory' ? memoryUnderTest() : redisUnderTest();
  });
  afterAll(() => t.index.close());

  it('puts, gets, lists and numbers entries in the order they were added', async () => {
    const u = user();
    await t.index.put(u, entry('a', T0 + 10_000), T0);
    await t.index.put(u, entry('b', T0 + 20_000, { ip: '203.0.113.9', userAgent: 'UA', mfa: 'pending' }), T0);
    expect(await t.index.get(u, 'b', T0)).toEqual({ ...entry('b', T0 + 20_000, { ip: '203.0.113.9', userAgent: 'UA', mfa: 'pending' }), seq: 2 });
    expect((await t.index.list(u, T0)).map((e) => [e.handle, e.seq]).sort()).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    // Re-putting an entry keeps its place in the order; a seq passed in is ignored.
    await t.index.put(u, entry('a', T0 + 30_000, { lastSeenAt: T0 + 5_000, seq: 99 }), T0);
    expect(await t.index.get(u, 'a', T0)).toMatchObject({ seq: 1, lastSeenAt: T0 + 5_000, expiresAt: T0 + 30_000 });
    expect(await t.index.get(u, 'missing', T0)).toBeNull();
    expect(await t.index.list(user(), T0)).toEqual([]);
  });

  it('put answers how many live entries the user has after the write', async () => {
    const u = user();
    expect(await t.index.put(u, entry('a', T0 + 1_000), T0)).toBe(1);
    expect(await t.index.put(u, entry('b', T0 + 5_000), T0)).toBe(2);
    // Re-putting a known entry adds nothing; an entry already dead is not counted.
    expect(await t.index.put(u, entry('a', T0 + 3_000), T0)).toBe(2);
    expect(await t.index.put(u, entry('c', T0), T0)).toBe(2);
    // Expired entries are pruned before counting; removing one already dead leaves the rest.
    expect(await t.index.put(u, entry('d', T0 + 9_000), T0 + 4_000)).toBe(2);
    expect(await t.index.put(u, entry('b', T0 + 4_000), T0 + 4_000)).toBe(1);
    expect(await t.index.put(user(), entry('e', T0), T0)).toBe(0);
  });

  it('parallel puts of one user each count every entry put before them, and number them alike', async () => {
    const u = user();
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => t.index.put(u, entry(`p${i}`, T0 + 10_000), T0)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The entry counted n-th is the n-th in login order: a limit check on either agrees.
    const seqs = await Promise.all(counts.map((_, i) => t.index.get(u, `p${i}`, T0)));
    expect(seqs.map((e) => e?.seq)).toEqual(counts);
  });

  it('keeps users apart, even with braces and separators in their IDs', async () => {
    const odd = `${user()}}:{x}`;
    const plain = user();
    await t.index.put(odd, entry('a', T0 + 10_000), T0);
    await t.index.put(plain, entry('b', T0 + 10_000), T0);
    expect((await t.index.list(odd, T0)).map((e) => e.handle)).toEqual(['a']);
    expect((await t.index.list(plain, T0)).map((e) => e.handle)).toEqual(['b']);
  });

  it('takes user IDs with lone UTF-16 surrogates and keeps them apart (UTF-8 would merge them into U+FFFD)', async () => {
    const base = user();
    const ids = [`${base}\ud800`, `${base}\udfff`, `${base}\ufffd`];
    for (const [i, id] of ids.entries()) await t.index.put(id, entry(`h${i}`, T0 + 10_000), T0);
    for (const [i, id] of ids.entries()) expect((await t.index.list(id, T0)).map((e) => e.handle)).toEqual([`h${i}`]);
  });

  it('replace writes only over an entry that is still there', async () => {
    const u = user();
    expect(await t.index.replace(u, entry('a', T0 + 10_000), T0)).toBe(false);
    expect(await t.index.list(u, T0)).toEqual([]);
    await t.index.put(u, entry('a', T0 + 10_000), T0);
    expect(await t.index.replace(u, entry('a', T0 + 20_000, { storageKey: 'rotated', previousStorageKey: 'key-a' }), T0)).toBe(true);
    expect(await t.index.get(u, 'a', T0)).toMatchObject({ storageKey: 'rotated', previousStorageKey: 'key-a', seq: 1 });
  });

  it('replace is a compare-and-set on the key the session moves from (or was written under)', async () => {
    const u = user();
    await t.index.put(u, entry('a', T0 + 10_000), T0);
    const moved = (storageKey: string) => entry('a', T0 + 20_000, { storageKey, previousStorageKey: 'key-a' });
    const active = (storageKey: string, lastSeenAt: number) => entry('a', T0 + 30_000, { storageKey, lastSeenAt });
    // Two ID changes of one session from the same key: only the first moves the entry.
    expect(await t.index.replace(u, moved('first'), T0)).toBe(true);
    expect(await t.index.replace(u, moved('second'), T0)).toBe(false);
    expect(await t.index.get(u, 'a', T0)).toMatchObject({ storageKey: 'first' });
    // Activity follows the key it was written under, never a key the session left.
    expect(await t.index.replace(u, active('key-a', T0 + 9), T0)).toBe(false);
    expect(await t.index.replace(u, active('first', T0 + 5), T0)).toBe(true);
    expect(await t.index.get(u, 'a', T0)).toMatchObject({ storageKey: 'first', lastSeenAt: T0 + 5, expiresAt: T0 + 30_000, seq: 1 });
  });

  it('remove is a compare-and-delete on the storage key and reports entries that moved', async () => {
    const u = user();
    await t.index.put(u, entry('a', T0 + 10_000), T0);
    await t.index.put(u, entry('b', T0 + 10_000, { storageKey: 'new-b' }), T0);
    const moved = await t.index.remove(u, [{ handle: 'a', storageKey: 'key-a' }, { handle: 'b', storageKey: 'key-b' }, { handle: 'c', storageKey: 'x' }], T0);
    expect(moved.map((e) => [e.handle, e.storageKey])).toEqual([['b', 'new-b']]);
    expect((await t.index.list(u, T0)).map((e) => e.handle)).toEqual(['b']);
    expect(await t.index.remove(u, [{ handle: 'b', storageKey: 'new-b' }], T0)).toEqual([]);
    expect(await t.index.list(u, T0)).toEqual([]);
  });

  it('prunes expired entries on reads and writes, so the index never grows without bound', async () => {
    const u = user();
    for (let i = 0; i < 50; i++) await t.index.put(u, entry(`old-${i}`, T0 + 1_000 + i), T0);
    await t.index.put(u, entry('young', T0 + 60_000), T0);
    expect(await t.stored(u)).toBe(51);

    // At the deadline an entry is dead (deadline <= now), as the session itself.
    expect((await t.index.list(u, T0 + 1_000)).map((e) => e.handle)).not.toContain('old-0');
    expect(await t.index.get(u, 'old-1', T0 + 1_001)).toBeNull();
    // A write well after every old deadline physically drops them all.
    await t.index.put(u, entry('another', T0 + 60_000), T0 + 2_000);
    expect(await t.stored(u)).toBe(2);
    expect((await t.index.list(u, T0 + 2_000)).map((e) => e.handle).sort()).toEqual(['another', 'young']);
    // Putting an already expired entry writes nothing and drops the one it would replace.
    await t.index.put(u, entry('young', T0 + 2_000), T0 + 2_000);
    expect((await t.index.list(u, T0 + 2_000)).map((e) => e.handle)).toEqual(['another']);
    // Once everything is past, nothing is left of the user.
    expect(await t.index.list(u, T0 + 60_000)).toEqual([]);
    expect(await t.stored(u)).toBe(0);
  });

  it('starts numbering afresh only once a user has no entry left', async () => {
    const u = user();
    await t.index.put(u, entry('a', T0 + 1_000), T0);
    await t.index.put(u, entry('b', T0 + 5_000), T0);
    await t.index.put(u, entry('c', T0 + 9_000), T0 + 2_000);
    expect((await t.index.get(u, 'c', T0 + 2_000))?.seq).toBe(3);
    await t.index.remove(u, [{ handle: 'b', storageKey: 'key-b' }, { handle: 'c', storageKey: 'key-c' }], T0 + 2_000);
    await t.index.put(u, entry('d', T0 + 9_000), T0 + 2_000);
    expect((await t.index.get(u, 'd', T0 + 2_000))?.seq).toBe(1);
  });
});

describe.runIf(redisAvailable)('Redis session index keys', () => {
  let index: RedisSessionIndex;
  beforeAll(() => {
    index = new RedisSessionIndex(redis, prefix);
  });

  it('puts one user’s keys in one Cluster hash slot, under the store prefix, with a TTL past the last deadline', async () => {
    const keys = index.keys('alice@example.com');
    expect(keys).toEqual([
      `${prefix}devices:{u:alice%40example.com}:by-expiry`,
      `${prefix}devices:{u:alice%40example.com}:entries`,
      `${prefix}devices:{u:alice%40example.com}:seq`,
    ]);
    // keySlot agrees with the values in the CLUSTER KEYSLOT documentation.
    expect([keySlot('somekey'), keySlot('foo'), keySlot('{foo}bar')]).toEqual([11058, 12182, 12182]);
    expect(new Set(keys.map(keySlot)).size).toBe(1);
    expect(keySlot(index.keys('a}b{c')[0])).toBe(keySlot(index.keys('a}b{c')[2]));

    const now = Date.now();
    await index.put('alice@example.com', entry('a', now + 30_000), now);
    for (const key of keys) {
      const ttl = await redis.pTTL(key);
      expect(ttl).toBeGreaterThan(30_000);
      expect(ttl).toBeLessThanOrEqual(30_000 + 60_000);
    }
    expect(await redis.zScore(keys[0], 'a')).toBe(now + 30_000);
    await index.remove('alice@example.com', [{ handle: 'a', storageKey: 'key-a' }], now);
    expect(await redis.exists(keys)).toBe(0);
  });

  it('keeps every key alive until the latest deadline of the user, whichever entry holds it', async () => {
    const userId = 'ttl-follows-latest';
    const keys = index.keys(userId);
    const now = Date.now();
    const ttls = () => Promise.all(keys.map((key) => redis.pTTL(key)));
    await index.put(userId, entry('late', now + 120_000), now);
    // An earlier deadline added after it does not shorten the keys' life.
    await index.put(userId, entry('early', now + 10_000), now);
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(120_000);
    // Without the latest entry, the keys follow the one left.
    await index.remove(userId, [{ handle: 'late', storageKey: 'key-late' }], now);
    for (const ttl of await ttls()) {
      expect(ttl).toBeGreaterThan(10_000);
      expect(ttl).toBeLessThanOrEqual(10_000 + 60_000);
    }
    // A replace that moves the deadline later takes the keys with it.
    expect(await index.replace(userId, entry('early', now + 300_000), now)).toBe(true);
    for (const ttl of await ttls()) expect(ttl).toBeGreaterThan(300_000);
    await index.remove(userId, [{ handle: 'early', storageKey: 'key-early' }], now);
    expect(await redis.exists(keys)).toBe(0);
  });

  it('sends a script with EVAL when the server does not know it (NOSCRIPT)', async () => {
    // A client whose server has just restarted: EVALSHA fails, EVAL works.
    const calls: string[] = [];
    const forgetful = {
      evalSha: async () => {
        calls.push('EVALSHA');
        throw new Error('NOSCRIPT No matching script. Please use EVAL.');
      },
      eval: (script: string, options: { keys: string[]; arguments: string[] }) => {
        calls.push('EVAL');
        return redis.eval(script, options);
      },
      hGet: (key: string, field: string) => redis.hGet(key, field),
    };
    const restarted = new RedisSessionIndex(forgetful, prefix);
    const now = Date.now();
    await restarted.put('forgotten', entry('a', now + 30_000), now);
    expect(calls).toEqual(['EVALSHA', 'EVAL']);
    expect((await index.list('forgotten', now)).map((e) => e.handle)).toEqual(['a']);
  });
});

/** The Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag, or of the whole key, mod 16384. */
function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  const tagged = open !== -1 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tagged)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
