import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keySegment } from './key-segment.js';

/** Any UTF-16 string, lone surrogates included (JSON's `"\ud800"` gives exactly such strings). */
const anyUtf16 = fc.string({ unit: 'binary', maxLength: 24 });
const loneSurrogateHeavy = fc.array(fc.integer({ min: 0xd7fe, max: 0xe001 }), { maxLength: 8 }).map((units) => String.fromCharCode(...units));

describe('keySegment', () => {
  it('is encodeURIComponent for well-formed text, so keys written before keep their names', () => {
    for (const id of ['alice', 'a{b}c', 'user:1 2', 'Zoë', '😀', '%41', '']) expect(keySegment(id)).toBe(encodeURIComponent(id));
  });

  it('encodes the lone surrogates that make encodeURIComponent throw', () => {
    expect(() => encodeURIComponent('\ud800')).toThrow(URIError);
    expect(keySegment('\ud800')).toBe('%uD800');
    expect(keySegment('alice\udfff')).toBe('alice%uDFFF');
    expect(keySegment('\udc00abc')).toBe('%uDC00abc');
    expect(keySegment('\ud83d\ude00\ud800')).toBe(`${encodeURIComponent('😀')}%uD800`);
  });

  it('never throws and never leaves a character that could break a hash tag or a key separator', () => {
    fc.assert(
      fc.property(fc.oneof(anyUtf16, loneSurrogateHeavy), (id) => {
        const segment = keySegment(id);
        expect(segment).toMatch(/^[A-Za-z0-9\-_.!~*'()%]*$/);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never gives two different strings the same segment', () => {
    fc.assert(
      fc.property(fc.oneof(anyUtf16, loneSurrogateHeavy), fc.oneof(anyUtf16, loneSurrogateHeavy), (a, b) => {
        fc.pre(a !== b);
        expect(keySegment(a)).not.toBe(keySegment(b));
      }),
      { numRuns: 10_000 },
    );
    // The pairs UTF-8 would merge (both lone surrogates become U+FFFD) stay apart.
    expect(new Set(['\ud800', '\udfff', '\ufffd', '%uD800'].map(keySegment)).size).toBe(4);
  });
});
