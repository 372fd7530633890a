import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipIdentity } from './ip-prefix.js';

const RUNS = 10_000;

const byte = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(byte, byte, byte, byte);
const hextet = fc.integer({ min: 0, max: 0xffff });
const ipv6 = fc.oneof(
  fc.array(hextet, { minLength: 8, maxLength: 8 }),
  // Zero runs, to compress with `::`.
  fc.array(fc.oneof(fc.constant(0), hextet), { minLength: 8, maxLength: 8 }),
  // IPv4-mapped, written in hex or dotted.
  fc.tuple(hextet, hextet).map(([high, low]) => [0, 0, 0, 0, 0, 0xffff, high, low]),
);

/** The identity an address must get, worked out from its numbers, not from its text. */
function expectedV4([a, b, c, d]: number[], match: 'prefix' | 'exact'): string {
  return match === 'exact' ? `${a}.${b}.${c}.${d}` : `${a}.${b}.${c}.0/24`;
}

function expectedV6(hextets: number[], match: 'prefix' | 'exact'): string {
  const isMapped = hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff;
  if (isMapped) return expectedV4([hextets[6]! >> 8, hextets[6]! & 0xff, hextets[7]! >> 8, hextets[7]! & 0xff], match);
  const hex = hextets.map((h) => h.toString(16));
  return match === 'exact' ? hex.join(':') : `${hex.slice(0, 4).join(':')}::/64`;
}

/** One of the many ways to write the same IPv6 address. */
const ipv6Text = fc
  .tuple(ipv6, fc.nat(), fc.nat(), fc.boolean(), fc.boolean(), fc.boolean(), fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: undefined }))
  .map(([hextets, from, length, padded, upper, dottedTail, zone]) => {
    let parts = hextets.map((h) => (padded ? h.toString(16).padStart(4, '0') : h.toString(16)));
    if (upper) parts = parts.map((p) => p.toUpperCase());
    if (dottedTail) parts = [...parts.slice(0, 6), `${hextets[6]! >> 8}.${hextets[6]! & 0xff}.${hextets[7]! >> 8}.${hextets[7]! & 0xff}`];
    // Compress a run of zero hextets into `::` (a run inside the hextets, not the dotted tail).
    const hexCount = dottedTail ? 6 : 8;
    const start = from % hexCount;
    let end = start;
    while (end < hexCount && end - start < length % 9 && hextets[end] === 0) end++;
    let text: string;
    if (end - start >= 1) text = `${parts.slice(0, start).join(':')}::${parts.slice(end).join(':')}`;
    else text = parts.join(':');
    return { hextets, text: zone === undefined ? text : `${text}%${zone}` };
  });

const match = fc.constantFrom<'prefix' | 'exact'>('prefix', 'exact');

describe('ipIdentity (property-based)', () => {
  it('gives every IPv4 address, plain or IPv4-mapped, its /24 network or itself', () => {
    fc.assert(
      fc.property(ipv4, match, fc.constantFrom('', '::ffff:', '::FFFF:', '0:0:0:0:0:ffff:'), (address, how, prefix) => {
        expect(ipIdentity(`${prefix}${address.join('.')}`, how)).toBe(expectedV4(address, how));
      }),
      { numRuns: RUNS },
    );
  });

  it('gives every notation of an IPv6 address the same /64 network or canonical address', () => {
    fc.assert(
      fc.property(ipv6Text, match, ({ hextets, text }, how) => {
        expect(ipIdentity(text, how)).toBe(expectedV6(hextets, how));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws, and keeps any text that is not an IP address as it is', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40, unit: 'binary' }),
      fc.string({ maxLength: 40, unit: fc.constantFrom(':', '.', '%', '1', 'f', 'F', '0', 'x', ' ') }),
    );
    fc.assert(
      fc.property(text, match, (value, how) => {
        const identity = ipIdentity(value, how);
        expect(typeof identity).toBe('string');
        const looksLikeIp = /^[0-9a-fA-F:.]+(%.*)?$/.test(value);
        if (!looksLikeIp) expect(identity).toBe(value);
      }),
      { numRuns: RUNS },
    );
  });
});
