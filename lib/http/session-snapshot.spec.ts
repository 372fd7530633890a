import { describe, expect, it } from 'vitest';
import { matchesSnapshot, takeSnapshot } from './session-snapshot.js';

function session() {
  return {
    cookie: { maxAge: 1000 },
    auth: { user: { id: 'u1', username: 'alice' }, mfa: 'verified', at: 1_764_290_000_000 },
    meta: { createdAt: 1_764_290_000_000, lastSeenAt: 1_764_290_000_000, ip: '203.0.113.9' },
    cart: ['a', 'b'],
  } as Record<string, unknown> & { meta: Record<string, unknown>; cart: unknown[] };
}

describe('session snapshots tell whether a session must be written', () => {
  it('finds an untouched session unchanged, and ignores its cookie', () => {
    const s = session();
    const snapshot = takeSnapshot(s);
    expect(matchesSnapshot(s, snapshot)).toBe(true);
    (s.cookie as { maxAge: number }).maxAge = 5;
    expect(matchesSnapshot(s, snapshot)).toBe(true);
  });

  it('sees a change deep inside, an added, a removed and a replaced field', () => {
    const changes: Array<(s: ReturnType<typeof session>) => void> = [
      (s) => (s.meta.lastSeenAt = 1_764_290_000_001),
      (s) => (s.meta['reported'] = { ip: '198.51.100.1' }),
      (s) => delete s.meta['ip'],
      (s) => s.cart.push('c'),
      (s) => (s.cart[0] = 'z'),
      (s) => (s['theme'] = 'dark'),
      (s) => delete s['auth'],
      (s) => (s['auth'] = null),
      (s) => ((s as Record<string, unknown>)['cart'] = { 0: 'a', 1: 'b' }),
    ];
    for (const change of changes) {
      const s = session();
      const snapshot = takeSnapshot(s);
      change(s);
      expect(matchesSnapshot(s, snapshot), change.toString()).toBe(false);
    }
  });

  it('treats what JSON leaves out as absent, as the stored form does', () => {
    const s = session();
    const snapshot = takeSnapshot(s);
    s['later'] = undefined;
    s.meta['fn'] = () => 1;
    expect(matchesSnapshot(s, snapshot)).toBe(true);
    const withUndefined = { ...session(), gone: undefined };
    expect(matchesSnapshot(session(), takeSnapshot(withUndefined))).toBe(true);
  });

  it('compares Dates and objects with toJSON by their JSON text', () => {
    const s = { ...session(), when: new Date(1_000), money: { amount: 5, toJSON: () => '5 EUR' } };
    const snapshot = takeSnapshot(s);
    expect(matchesSnapshot({ ...s, when: new Date(1_000) }, snapshot)).toBe(true);
    // What the store would hold after a round trip: the same JSON.
    expect(matchesSnapshot({ ...s, when: new Date(1_000).toISOString(), money: '5 EUR' }, snapshot)).toBe(true);
    expect(matchesSnapshot({ ...s, when: new Date(2_000) }, snapshot)).toBe(false);
    expect(matchesSnapshot({ ...s, money: { amount: 6, toJSON: () => '6 EUR' } }, snapshot)).toBe(false);
  });

  it('never calls two sessions with different JSON the same (random data)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 2 ? 5 : 7));
      if (pick === 0) return Math.floor(random() * 3);
      if (pick === 1) return ['x', 'y', ''][Math.floor(random() * 3)];
      if (pick === 2) return random() < 0.5;
      if (pick === 3) return null;
      if (pick === 4) return undefined;
      if (pick === 5) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [`k${Math.floor(random() * 3)}`, value(depth + 1)]));
    };
    const canonical = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map((x) => (x === undefined ? null : canonical(x)))
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.keys(v).sort().flatMap((k) => ((v as Record<string, unknown>)[k] === undefined ? [] : [[k, canonical((v as Record<string, unknown>)[k])]])))
          : v;
    let differing = 0;
    for (let i = 0; i < 5_000; i++) {
      const a = { a: value(0), b: value(0) };
      const b = random() < 0.3 ? structuredClone(a) : { a: value(0), b: value(0) };
      const sameJson = JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
      if (!sameJson) {
        differing++;
        expect(matchesSnapshot(b, takeSnapshot(a))).toBe(false);
      } else {
        expect(matchesSnapshot(b, takeSnapshot(a))).toBe(true);
      }
    }
    expect(differing).toBeGreaterThan(1_000);
  });
});
