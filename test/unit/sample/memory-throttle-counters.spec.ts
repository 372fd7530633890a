import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryThrottleCounters } from '../../../sample/auth/memory-throttle-counters.js';

const LIMIT = 5;
const WINDOW = 15 * 60_000;
/** The sample's bound on windows kept. */
const MAX_KEYS = 100_000;

const LEASE = 10_000;

/** One failed attempt on `key`: admitted, then settled as a failure. */
async function hit(counters: MemoryThrottleCounters, key: string) {
  const admission = await counters.admit(key, 'lease', LIMIT, LEASE);
  if (admission.outcome !== 'admitted') return admission;
  return { outcome: 'admitted' as const, failures: await counters.settle(key, 'lease', true, WINDOW) };
}

/** Fails once on each of `count` made-up usernames; returns how many were counted (not refused). */
async function flood(counters: MemoryThrottleCounters, count: number, label = 'flood'): Promise<number> {
  let counted = 0;
  for (let i = 0; i < count; i++) if ((await hit(counters, `login:{a:${label}-${i}}`)).outcome === 'admitted') counted++;
  return counted;
}

describe('the sample\'s in-memory login throttle under a username flood', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_800_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`never drops the live window of an account under attack, through ${MAX_KEYS.toLocaleString('en')} made-up usernames`, async () => {
    const counters = new MemoryThrottleCounters();
    for (let i = 0; i < LIMIT - 1; i++) expect((await hit(counters, 'login:{a:alice}')).outcome).toBe('admitted');
    const counted = await flood(counters, MAX_KEYS);
    // The bound holds: alice's window and MAX_KEYS - 1 made-up ones.
    expect(counted).toBe(MAX_KEYS - 1);
    // Alice's count survived: one more guess, then refused.
    expect(await hit(counters, 'login:{a:alice}')).toEqual({ outcome: 'admitted', failures: LIMIT });
    expect((await hit(counters, 'login:{a:alice}')).outcome).toBe('throttled');
  });

  it('when every window is live, refuses a new key until the earliest window ends (fail closed)', async () => {
    const counters = new MemoryThrottleCounters(1_000);
    expect((await hit(counters, 'login:{a:bob}')).outcome).toBe('admitted');
    vi.advanceTimersByTime(60_000);
    expect(await flood(counters, 999)).toBe(999);
    const refused = await hit(counters, 'login:{a:carol}');
    // Bob's window, the earliest, ends first.
    expect(refused).toEqual({ outcome: 'throttled', retryAfterMs: WINDOW - 60_000 });
    // Keys that have a window still count.
    expect(await hit(counters, 'login:{a:bob}')).toEqual({ outcome: 'admitted', failures: 2 });
    expect(await hit(counters, 'login:{a:flood-7}')).toEqual({ outcome: 'admitted', failures: 2 });
    // Once bob's window has ended there is room again.
    vi.advanceTimersByTime(WINDOW - 60_000);
    expect(await hit(counters, 'login:{a:carol}')).toEqual({ outcome: 'admitted', failures: 1 });
    expect((await hit(counters, 'login:{a:dave}')).outcome).toBe('throttled');
  });

  it('makes room from ended windows before refusing anyone', async () => {
    const counters = new MemoryThrottleCounters(100);
    expect(await flood(counters, 100, 'old')).toBe(100);
    vi.advanceTimersByTime(WINDOW);
    expect(await flood(counters, 100, 'new')).toBe(100);
  });
});
