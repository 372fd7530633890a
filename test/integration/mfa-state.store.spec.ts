import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMfaStateStore, type AttemptPolicy, type MfaStateStore } from '../../lib/index.js';
import { ATTEMPT_MEMORY_MS } from '../../lib/mfa/mfa-state-store.interface.js';
import { MfaStateKeys } from '../../lib/mfa/mfa-state-keys.js';
import { RedisMfaStateStore } from '../../lib/redis.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../support/stores.js';

interface Backend {
  name: string;
  create(): Promise<{ store: MfaStateStore; redis?: RedisClientType; prefix?: string; close(): Promise<void> }>;
}

const memory: Backend = {
  name: 'memory',
  create: async () => ({ store: new MemoryMfaStateStore(), close: async () => undefined }),
};

const redis: Backend = {
  name: 'redis',
  create: async () => {
    const client = await connectTestRedis();
    const prefix = uniquePrefix('mfa-state');
    return {
      store: new RedisMfaStateStore(client, prefix),
      redis: client,
      prefix,
      close: async () => {
        await deleteKeys(client, prefix);
        await client.close();
      },
    };
  },
};

const BACKENDS = redisAvailable ? [memory, redis] : [memory];
const POLICY: AttemptPolicy = { maxAttempts: 3, lockoutDuration: 30_000, maxLockoutDuration: 100_000 };
const T0 = 1_700_000_000_000;

describe.each(BACKENDS)('MfaStateStore contract on $name', (backend) => {
  let ctx: Awaited<ReturnType<Backend['create']>>;
  beforeAll(async () => {
    ctx = await backend.create();
  });
  afterAll(() => ctx.close());

  it('counts attempts; the one that reaches maxAttempts starts a lock; attempts during it are refused', async () => {
    const { store } = ctx;
    expect(await store.beginAttempt('budget', POLICY, T0)).toEqual({ allowed: true });
    expect(await store.beginAttempt('budget', POLICY, T0)).toEqual({ allowed: true });
    expect(await store.beginAttempt('budget', POLICY, T0)).toEqual({ allowed: true, lockedUntil: T0 + 30_000 });
    expect(await store.beginAttempt('budget', POLICY, T0 + 29_999)).toEqual({ allowed: false, lockedUntil: T0 + 30_000 });
    // Another user is untouched.
    expect(await store.beginAttempt('budget-other', POLICY, T0)).toEqual({ allowed: true });
  });

  it('locks grow: 30 s, 60 s, then capped at the maximum; clearAttempts resets count and level', async () => {
    const { store } = ctx;
    let now = T0;
    const lockLengths: number[] = [];
    for (let lock = 0; lock < 4; lock++) {
      let decision = await store.beginAttempt('backoff', POLICY, now);
      decision = await store.beginAttempt('backoff', POLICY, now);
      decision = await store.beginAttempt('backoff', POLICY, now);
      expect(decision.allowed).toBe(true);
      lockLengths.push(decision.lockedUntil! - now);
      now = decision.lockedUntil!;
    }
    expect(lockLengths).toEqual([30_000, 60_000, 100_000, 100_000]);
    await store.clearAttempts('backoff');
    await store.beginAttempt('backoff', POLICY, now);
    await store.beginAttempt('backoff', POLICY, now);
    expect((await store.beginAttempt('backoff', POLICY, now)).lockedUntil).toBe(now + 30_000);
  });

  it('parallel attempts cannot overtake the budget: 40 at once, exactly 3 allowed, one of them starts the lock', async () => {
    const decisions = await Promise.all(Array.from({ length: 40 }, () => ctx.store.beginAttempt('parallel', POLICY, T0)));
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(3);
    expect(allowed.filter((d) => d.lockedUntil !== undefined)).toHaveLength(1);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.lockedUntil === T0 + 30_000)).toBe(true);
  });

  it('consumes each time step once, never an older one after a newer one, per user and per factor', async () => {
    const { store } = ctx;
    expect(await store.consumeTimeStep('steps', 'f1', 100, 60_000)).toBe(true);
    expect(await store.consumeTimeStep('steps', 'f1', 100, 60_000)).toBe(false);
    expect(await store.consumeTimeStep('steps', 'f1', 99, 60_000)).toBe(false);
    expect(await store.consumeTimeStep('steps', 'f1', 101, 60_000)).toBe(true);
    expect(await store.consumeTimeStep('steps', 'f2', 100, 60_000)).toBe(true);
    expect(await store.consumeTimeStep('steps-other', 'f1', 100, 60_000)).toBe(true);
  });

  it('50 parallel consumptions of one step: exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => ctx.store.consumeTimeStep('race', 'f', 7, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('the enrolment mutex: one holder at a time, released only by its own token', async () => {
    const { store } = ctx;
    const tokens = await Promise.all(Array.from({ length: 10 }, () => store.acquireLock('mutex', 10_000)));
    const held = tokens.filter((t): t is string => t !== null);
    expect(held).toHaveLength(1);
    await store.releaseLock('mutex', 'not-the-token');
    expect(await store.acquireLock('mutex', 10_000)).toBeNull();
    await store.releaseLock('mutex', held[0]!);
    expect(await store.acquireLock('mutex', 10_000)).toEqual(expect.any(String));
  });

  describe('attemptTotp: lock, replay and budget in one step', () => {
    const TTL = 150_000;

    it('a matched step is accepted once and clears the count; the same or an older step is a counted replay', async () => {
      const { store } = ctx;
      expect(await store.attemptTotp({ userId: 't-ok', factorId: 'f', matchedStep: undefined, policy: POLICY, now: T0, stepTtlMs: TTL })).toEqual({ outcome: 'failed' });
      expect(await store.attemptTotp({ userId: 't-ok', factorId: 'f', matchedStep: 100, policy: POLICY, now: T0, stepTtlMs: TTL })).toEqual({ outcome: 'accepted' });
      // The failure before the success is gone: two more failures do not lock ...
      expect(await store.attemptTotp({ userId: 't-ok', factorId: 'f', matchedStep: 100, policy: POLICY, now: T0, stepTtlMs: TTL })).toEqual({ outcome: 'replayed' });
      expect(await store.attemptTotp({ userId: 't-ok', factorId: 'f', matchedStep: 99, policy: POLICY, now: T0, stepTtlMs: TTL })).toEqual({ outcome: 'replayed' });
      // ... the third does.
      expect(await store.attemptTotp({ userId: 't-ok', factorId: 'f', matchedStep: undefined, policy: POLICY, now: T0, stepTtlMs: TTL })).toEqual({ outcome: 'failed', lockedUntil: T0 + 30_000 });
      // Another factor of the same user has its own step track.
      expect(await store.attemptTotp({ userId: 't-ok', factorId: 'g', matchedStep: 100, policy: POLICY, now: T0 + 30_000, stepTtlMs: TTL })).toEqual({ outcome: 'accepted' });
    });

    it('while locked even a right code is refused unseen, and its step stays unconsumed', async () => {
      const { store } = ctx;
      for (let i = 0; i < 3; i++) await store.attemptTotp({ userId: 't-lock', factorId: 'f', matchedStep: undefined, policy: POLICY, now: T0, stepTtlMs: TTL });
      expect(await store.attemptTotp({ userId: 't-lock', factorId: 'f', matchedStep: 7, policy: POLICY, now: T0 + 1, stepTtlMs: TTL })).toEqual({ outcome: 'locked', lockedUntil: T0 + 30_000 });
      expect(await store.attemptTotp({ userId: 't-lock', factorId: 'f', matchedStep: 7, policy: POLICY, now: T0 + 30_000, stepTtlMs: TTL })).toEqual({ outcome: 'accepted' });
    });

    it('20 parallel wrong codes: exactly maxAttempts are counted, the rest refused as locked', async () => {
      const { store } = ctx;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.attemptTotp({ userId: 't-par', factorId: 'f', matchedStep: undefined, policy: POLICY, now: T0, stepTtlMs: TTL })));
      expect(results.filter((r) => r.outcome === 'failed')).toHaveLength(3);
      expect(results.filter((r) => r.outcome === 'locked')).toHaveLength(17);
    });

    it('20 parallel uses of one right code: exactly one accepted', async () => {
      const { store } = ctx;
      const policy = { ...POLICY, maxAttempts: 100 };
      const results = await Promise.all(Array.from({ length: 20 }, () => store.attemptTotp({ userId: 't-once', factorId: 'f', matchedStep: 5, policy: policy, now: T0, stepTtlMs: TTL })));
      expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'replayed')).toHaveLength(19);
    });
  });

  it('user IDs with braces, colons or spaces stay separate users', async () => {
    const { store } = ctx;
    expect(await store.consumeTimeStep('a}:totp', 'f', 5, 60_000)).toBe(true);
    expect(await store.consumeTimeStep('a', 'f', 5, 60_000)).toBe(true);
    expect(await store.consumeTimeStep('{a}', 'f', 5, 60_000)).toBe(true);
  });

  it('user IDs with lone UTF-16 surrogates work and stay separate users (UTF-8 would merge them into U+FFFD)', async () => {
    const { store } = ctx;
    for (const id of ['\ud800', '\udfff', '\ufffd', 'a\udc00b']) {
      expect(await store.consumeTimeStep(id, 'f', 5, 60_000)).toBe(true);
      const token = await store.acquireLock(id, 10_000);
      expect(token).toEqual(expect.any(String));
      await store.releaseLock(id, token!);
    }
    expect(await store.consumeTimeStep('\ud800', 'f', 5, 60_000)).toBe(false);
  });
});

describe.runIf(redisAvailable)('RedisMfaStateStore keys', () => {
  let ctx: Awaited<ReturnType<Backend['create']>>;
  beforeAll(async () => {
    ctx = await redis.create();
  });
  afterAll(() => ctx.close());

  it('prefix + mfa:{u:<id>}:..., one hash tag per user, every key with a TTL', async () => {
    const client = ctx.redis!;
    const prefix = ctx.prefix!;
    await ctx.store.beginAttempt('keys', POLICY, Date.now());
    await ctx.store.consumeTimeStep('keys', 'fx', 1, 90_000);
    await ctx.store.acquireLock('keys', 5_000);
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}mfa:{u:keys}:*` })) keys.push(...batch);
    expect(keys.sort()).toEqual([
      prefix + MfaStateKeys.attempts('keys'),
      prefix + MfaStateKeys.lock('keys'),
      prefix + MfaStateKeys.timeStep('keys', 'fx'),
    ].sort());
    expect(MfaStateKeys.attempts('a{b}')).toBe('mfa:{u:a%7Bb%7D}:attempts');
    const ttls = await Promise.all(keys.map((key) => client.pTTL(key)));
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
    expect(await client.pTTL(prefix + MfaStateKeys.attempts('keys'))).toBeLessThanOrEqual(ATTEMPT_MEMORY_MS);
  });
});

describe('the default lockout policy (5 attempts, 30 s doubling, 15 min cap)', () => {
  it('lets a relentless attacker try at most 40 codes in the first hour and 20 in each hour after (ASVS 2.2.1: <= 100)', async () => {
    const store = new MemoryMfaStateStore();
    const policy: AttemptPolicy = { maxAttempts: 5, lockoutDuration: 30_000, maxLockoutDuration: 900_000 };
    const hour = 3_600_000;
    const perHour = [0, 0, 0];
    let now = 0;
    while (now < 3 * hour) {
      const decision = await store.beginAttempt('attacker', policy, now);
      if (decision.allowed) perHour[Math.floor(now / hour)]! += 1;
      // Every attempt is wrong; the attacker comes back the moment a lock ends.
      if (!decision.allowed) now = decision.lockedUntil;
    }
    expect(perHour).toEqual([40, 20, 20]);
  });
});

describe('MemoryMfaStateStore', () => {
  it('forgets entries when their TTL passes and stays within maxEntries', async () => {
    let now = 0;
    const store = new MemoryMfaStateStore({ maxEntries: 5 }, () => now);
    expect(await store.consumeTimeStep('u', 'f', 1, 1_000)).toBe(true);
    now = 1_000;
    expect(await store.consumeTimeStep('u', 'f', 1, 1_000)).toBe(true);
    // 'u' holds one live entry; four more users fit, the other sixteen are refused, none evicted.
    const written = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.consumeTimeStep(`user-${i}`, 'f', 1, 60_000)));
    expect(written.filter((w) => w.status === 'rejected')).toHaveLength(16);
    expect(store.size).toBe(5);
    expect(await store.consumeTimeStep('u', 'f', 1, 1_000)).toBe(false);
    expect(() => new MemoryMfaStateStore({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/);
  });
});

describe('MemoryMfaStateStore under a flood of other users', () => {
  const POLICY_FLOOD: AttemptPolicy = { maxAttempts: 3, lockoutDuration: 30_000, maxLockoutDuration: 100_000 };

  it("never forgets a victim's failure count or lock to make room: when full of live state, new writes fail (503) instead", async () => {
    let now = T0;
    const store = new MemoryMfaStateStore({ maxEntries: 1_000 }, () => now);
    for (let i = 0; i < 2; i++) await store.beginAttempt('victim', POLICY_FLOOD, now);
    let refused = 0;
    for (let i = 0; i < 2_000; i++) {
      try {
        await store.beginAttempt(`flood-${i}`, POLICY_FLOOD, now);
      } catch {
        refused++;
      }
    }
    expect(store.size).toBe(1_000);
    expect(refused).toBe(1_001);
    // The victim's count survived: the third failure locks.
    expect(await store.beginAttempt('victim', POLICY_FLOOD, now)).toEqual({ allowed: true, lockedUntil: now + 30_000 });
    // Once the flood's entries expire there is room again.
    now += ATTEMPT_MEMORY_MS + 1;
    expect(await store.beginAttempt('newcomer', POLICY_FLOOD, now)).toEqual({ allowed: true });
  });
});
