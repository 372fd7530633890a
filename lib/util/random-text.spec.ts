import { describe, expect, it } from 'vitest';
import { randomText } from './random-text.js';

describe('randomText', () => {
  it('gives base64url text of exactly the bytes asked for', () => {
    for (const bytes of [1, 16, 24, 32, 4096]) {
      const text = randomText(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(text, 'base64url')).toHaveLength(bytes);
    }
  });

  it('never hands out the same bytes twice, across many refills of its pool', () => {
    // 20,000 IDs of 24 bytes span about 120 refills of the 4 KiB pool, each draw size mixed in.
    const seen = new Set<string>();
    const sizes = [24, 16, 24, 7];
    for (let i = 0; i < 20_000; i++) seen.add(randomText(sizes[i % sizes.length]!));
    expect(seen.size).toBe(20_000);
  });

  it('does not repeat a draw split across a refill: consecutive draws share no bytes', () => {
    // Were a refill to re-serve the pool's tail, a 24-byte draw would repeat part of the last one.
    const draws = Array.from({ length: 2_000 }, () => Buffer.from(randomText(24), 'base64url').toString('hex'));
    for (let i = 1; i < draws.length; i++) expect(draws[i]).not.toBe(draws[i - 1]);
    // Every byte value appears: the output is not stuck on a zero-filled pool.
    const bytes = new Set(draws.join('').match(/../g));
    expect(bytes.size).toBe(256);
  });

  it('refuses sizes it cannot give', () => {
    for (const bytes of [0, -1, 1.5, 4097, Number.NaN]) expect(() => randomText(bytes)).toThrow(RangeError);
  });
});
