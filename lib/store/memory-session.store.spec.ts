import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeSessionStoreConformance } from '../testing/session-store-conformance.js';
import { MemorySessionStore } from './memory-session.store.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const record = (n: number) => ({ n, data: { cart: ['a'] } });

// The contract every store keeps (create vs update, TTL, destroy) is the conformance suite's;
// this file covers what is particular to the embedded store: its clock, copies, sweeper, cap.
describeSessionStoreConformance('MemorySessionStore', { open: () => new MemorySessionStore() }, { describe, it });

describe('MemorySessionStore', () => {
  const stores: MemorySessionStore[] = [];
  function open(options: ConstructorParameters<typeof MemorySessionStore>[0] = {}, now?: () => number) {
    const store = new MemorySessionStore(options, now);
    stores.push(store);
    return store;
  }
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    vi.useRealTimers();
  });

  describe('create vs update', () => {
    it('create is allowed again once the old record expired', async () => {
      const clock = manualClock();
      const store = open({}, clock.now);
      await store.set('k', record(1), 1_000, 'create');
      clock.advance(1_000);
      expect(await store.set('k', record(2), 1_000, 'update')).toBe(false);
      expect(await store.set('k', record(2), 1_000, 'create')).toBe(true);
    });

    it('a write with a TTL of 0 or less removes the record', async () => {
      const store = open();
      await store.set('k', record(1), 10_000, 'create');
      expect(await store.set('k', record(2), 0, 'update')).toBe(true);
      expect(await store.get('k')).toBeNull();
      expect(store.size).toBe(0);
    });
  });

  it('stores a copy: mutating what was written or read does not change the record', async () => {
    const store = open();
    const written = record(1);
    await store.set('k', written, 10_000, 'create');
    written.data.cart.push('b');
    const read = await store.get('k');
    (read!['data'] as { cart: string[] }).cart.push('c');
    expect(await store.get('k')).toEqual(record(1));
  });

  describe('TTL', () => {
    it('a record is served until its TTL and gone from then on', async () => {
      const clock = manualClock();
      const store = open({}, clock.now);
      await store.set('k', record(1), 5_000, 'create');
      clock.advance(4_999);
      expect(await store.get('k')).toEqual(record(1));
      clock.advance(1);
      expect(await store.get('k')).toBeNull();
      expect(store.size).toBe(0);
    });

    it('an update sets a new TTL', async () => {
      const clock = manualClock();
      const store = open({}, clock.now);
      await store.set('k', record(1), 5_000, 'create');
      clock.advance(4_000);
      await store.set('k', record(2), 5_000, 'update');
      clock.advance(4_000);
      expect(await store.get('k')).toEqual(record(2));
      clock.advance(1_000);
      expect(await store.get('k')).toBeNull();
    });

    it('the sweeper drops expired records nobody reads', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const clock = manualClock();
      const store = open({}, clock.now);
      await store.set('old', record(1), 1_000, 'create');
      await store.set('live', record(2), 120_000, 'create');
      clock.advance(2_000);
      expect(store.size).toBe(2);
      vi.advanceTimersByTime(60_000);
      expect(store.size).toBe(1);
      expect(await store.get('live')).toEqual(record(2));
    });
  });

  describe('maxSessions', () => {
    it('evicts the oldest written first', async () => {
      const store = open({ maxSessions: 3 });
      for (const key of ['a', 'b', 'c']) await store.set(key, record(1), 10_000, 'create');
      // Rewriting "a" makes it the newest; "b" is now the oldest written.
      await store.set('a', record(2), 10_000, 'update');
      await store.set('d', record(3), 10_000, 'create');
      expect(store.size).toBe(3);
      expect(await store.get('b')).toBeNull();
      expect(await store.get('a')).toEqual(record(2));
      expect(await store.get('c')).toEqual(record(1));
      expect(await store.get('d')).toEqual(record(3));
    });

    it('must be a positive integer', () => {
      for (const maxSessions of [0, -1, 1.5, Number.NaN]) {
        expect(() => new MemorySessionStore({ maxSessions })).toThrow(/maxSessions must be a positive integer/);
      }
    });

    it('defaults to 10,000', async () => {
      const store = open();
      for (let i = 0; i < 10_001; i++) await store.set(`k${i}`, { i }, 10_000, 'create');
      expect(store.size).toBe(10_000);
      expect(await store.get('k0')).toBeNull();
      expect(await store.get('k1')).toEqual({ i: 1 });
    });
  });

  describe('close', () => {
    it('clears the sweeper timer and the records', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const store = new MemorySessionStore();
      expect(vi.getTimerCount()).toBe(1);
      await store.set('k', record(1), 10_000, 'create');
      await store.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(store.size).toBe(0);
    });

    it('the sweeper never keeps the process alive', () => {
      const store = open();
      const sweeper = (store as unknown as { sweeper: NodeJS.Timeout }).sweeper;
      expect(sweeper.hasRef()).toBe(false);
    });
  });
});
