import { describe, expect, it } from 'vitest';
import { BoundedMemo } from './bounded-memo.js';

describe('BoundedMemo', () => {
  it('remembers what was set', () => {
    const memo = new BoundedMemo<string, number>(10);
    memo.set('a', 1);
    expect(memo.get('a')).toBe(1);
    expect(memo.get('b')).toBeUndefined();
  });

  it('never holds more than two generations, and forgets what was not asked for in two', () => {
    const memo = new BoundedMemo<number, number>(3);
    for (let i = 0; i < 100; i++) {
      memo.set(i, i);
      expect(memo.size).toBeLessThanOrEqual(6);
    }
    expect(memo.get(0)).toBeUndefined();
    expect(memo.get(99)).toBe(99);
  });

  it('keeps what is asked for: a hit in the older generation moves into the current one', () => {
    const memo = new BoundedMemo<string, string>(2);
    memo.set('hot', 'h');
    memo.set('x1', '1');
    memo.set('x2', '2'); // new generation: hot and x1 are the previous one
    expect(memo.get('hot')).toBe('h'); // moved into the current generation
    memo.set('x3', '3'); // another generation: x1 is dropped, hot survives
    expect(memo.get('x1')).toBeUndefined();
    expect(memo.get('hot')).toBe('h');
  });

  it('needs a positive integer size', () => {
    expect(() => new BoundedMemo(0)).toThrow(RangeError);
    expect(() => new BoundedMemo(1.5)).toThrow(RangeError);
  });
});
