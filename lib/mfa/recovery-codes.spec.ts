import { describe, expect, it } from 'vitest';
import { RECOVERY_CODE_COUNT, RecoveryCodes } from './recovery-codes.js';

const SHAPE = /^[0-9abcdefghjkmnpqrstvwxyz]{4}(-[0-9abcdefghjkmnpqrstvwxyz]{4}){3}$/;

describe('RecoveryCodes', () => {
  it('generates 10 distinct codes xxxx-xxxx-xxxx-xxxx of Crockford base32 (80 bits each)', () => {
    const codes = RecoveryCodes.generate();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(SHAPE);
  });

  it('uses the whole alphabet (no modulo bias shows up as missing characters)', () => {
    const seen = new Set(RecoveryCodes.generate(200).join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
  });

  it('normalises what people type: case, hyphens or spaces or none, i/l -> 1, o -> 0', () => {
    const code = 'ab1c-0def-9ghj-kmnp';
    const typings = ['AB1C-0DEF-9GHJ-KMNP', 'ab1c0def9ghjkmnp', 'ab1c 0def 9ghj kmnp', ' ablc-odef-9ghj-kmnp ', 'AbIc-ODEF-9ghj-kmnp'];
    for (const typed of typings) {
      expect(RecoveryCodes.normalize(typed)).toBe(code);
    }
  });

  it('refuses the wrong shape: length, characters outside the alphabet, non-strings', () => {
    const bad = [
      ...['', '123456', 'ab1c-0def-9ghj', 'ab1c-0def-9ghj-kmnp-qrst', 'ab1c-0def-9ghj-kmnu', 'ab1c_0def_9ghj_kmnp'],
      ...['ab1c--0def9ghjkmnp', 'x'.repeat(40), 123456, null, undefined, ['ab1c-0def-9ghj-kmnp']],
    ];
    for (const input of bad) expect(RecoveryCodes.normalize(input)).toBeUndefined();
  });

  it('hashes per user: the same code hashes differently for another user, and never contains the code', () => {
    const code = RecoveryCodes.generate(1)[0]!;
    const alice = RecoveryCodes.hash('alice', code);
    expect(alice).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(RecoveryCodes.hash('alice', code)).toBe(alice);
    expect(RecoveryCodes.hash('bob', code)).not.toBe(alice);
    expect(alice).not.toContain(code.replace(/-/g, ''));
  });

  it('finds a hash in a list, or -1', () => {
    const hashes = RecoveryCodes.generate(3).map((c) => RecoveryCodes.hash('u', c));
    expect(RecoveryCodes.indexOf(hashes, hashes[2]!)).toBe(2);
    expect(RecoveryCodes.indexOf(hashes, RecoveryCodes.hash('u', 'zzzz-zzzz-zzzz-zzzz'))).toBe(-1);
    expect(RecoveryCodes.indexOf([], hashes[0]!)).toBe(-1);
  });
});
