import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SealedCookieCodec, type SealedRecord } from './sealed-cookie-codec.js';

const KEY = randomBytes(32);
const codec = new SealedCookieCodec([{ id: 'k1', key: KEY }], '__Host-sid');
const record: SealedRecord = {
  sid: randomBytes(24).toString('base64url'),
  exp: Date.now() + 60_000,
  data: { auth: { user: { id: 'alice' }, authenticatedAt: 1, mfa: 'none' } } as SealedRecord['data'],
};
const sealed = codec.seal(record);

describe('SealedCookieCodec', () => {
  it('opens what it sealed', async () => {
    expect(await codec.open(sealed)).toEqual(record);
  });

  it('never throws and never opens an arbitrary string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 5000 }), async (value) => {
        expect(typeof (await codec.open(value))).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('never opens the sealed value with any one character changed, dropped or added', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: sealed.length - 1 }),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'drop', 'insert'),
        async (at, char, edit) => {
          const changed =
            edit === 'replace' ? sealed.slice(0, at) + char + sealed.slice(at + 1)
            : edit === 'drop' ? sealed.slice(0, at) + sealed.slice(at + 1)
            : sealed.slice(0, at) + char + sealed.slice(at);
          fc.pre(changed !== sealed);
          const opened = await codec.open(changed);
          // A base64url digit's low bits beyond the data's end may decode to the same bytes: then it still opens, unchanged.
          if (typeof opened !== 'string') expect(opened).toEqual(record);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a value sealed with another key or for another cookie name', async () => {
    const otherKey = new SealedCookieCodec([{ id: 'k1', key: randomBytes(32) }], '__Host-sid');
    const otherName = new SealedCookieCodec([{ id: 'k1', key: KEY }], 'other');
    expect(await codec.open(otherKey.seal(record))).toBe('invalid');
    expect(await codec.open(otherName.seal(record))).toBe('wrong-cookie');
    expect(await otherName.open(otherName.seal(record))).toEqual(record);
    expect(await codec.open(new SealedCookieCodec([{ id: 'k9', key: randomBytes(32) }], '__Host-sid').seal(record))).toBe('unknown-key');
  });

  it('refuses an expired record without meta (SessionChecks ends the ones with meta)', async () => {
    expect(await codec.open(codec.seal({ ...record, exp: Date.now() - 1 }))).toBe('expired');
  });
});
