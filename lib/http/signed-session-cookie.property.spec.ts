import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieValue, SignedSessionCookie } from './signed-session-cookie.js';

const RUNS = 10_000;

/** The `cookie` package express-session itself parses Cookie headers with. */
const expressSessionRequire = createRequire(createRequire(import.meta.url).resolve('express-session'));
const cookiePackage = expressSessionRequire('cookie') as { parse(header: string): Record<string, string> };

const SECRETS = ['first-secret-of-at-least-32-bytes!', 'second-secret-of-at-least-32-bytes'];
const signer = new SignedSessionCookie(SECRETS);
const signers = SECRETS.map((secret) => new SignedSessionCookie([secret]));

/** Module session IDs (base64url) and any well-formed string. */
const sessionId = fc.oneof(
  fc.base64String({ minLength: 4, maxLength: 44 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')).filter((s) => s.length > 0),
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
);

/** RFC 6265 token names, and a few this module and express-session use. */
const cookieName = fc.oneof(
  fc.constantFrom('__Host-sid', 'sid', 'connect.sid', '__Secure-sid'),
  fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/),
);

const blank = fc.stringMatching(/^[ \t]{0,2}$/);

/** Other cookies a browser sends along, any value (the header is Latin-1 text; any code unit is tried). */
const otherCookie = fc
  .tuple(cookieName, fc.string({ maxLength: 12, unit: 'binary' }))
  .map(([name, value]) => `${name}=${value.replace(/;/g, '')}`);

/** Hostile header text: any code units, with the characters that matter to the parser made common. */
const headerText = fc.string({
  maxLength: 80,
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(';', '=', '"', ' ', '\t', '%', 's', ':', '.', 'i', 'd', '\n', '\u00a0', '\ufeff') },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
  ),
});

/** True when `value` is exactly the signed form of `id` under one of the secrets. */
const signedByUs = (value: string | undefined, id: string) => signers.some((s) => s.sign(id) === value);

describe('SignedSessionCookie (property-based)', () => {
  it('reads back the ID of every cookie it signs, among any other cookies, with blanks around', () => {
    fc.assert(
      fc.property(sessionId, cookieName, fc.array(otherCookie, { maxLength: 4 }), fc.array(otherCookie, { maxLength: 4 }), blank, blank, (id, name, before, after, pad1, pad2) => {
        const others = (list: string[]) => list.filter((pair) => !pair.startsWith(`${name}=`));
        const pair = `${pad1}${name}${pad2}=${pad2}${encodeURIComponent(signer.sign(id))}${pad1}`;
        const header = [...others(before), pair, ...others(after)].join(';');
        expect(signer.sessionIdFrom(header, name)).toBe(id);
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts an ID only from a value that is exactly its signature under one of the secrets, for any header', () => {
    const genuine = fc
      .tuple(sessionId, fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 2, unit: 'binary' }), fc.boolean())
      .map(([id, at, cut, insert, oldSecret]) => {
        const value = `__Host-sid=${encodeURIComponent((oldSecret ? signers[1]! : signer).sign(id))}`;
        const start = at % (value.length + 1);
        return value.slice(0, start) + insert + value.slice(start + cut);
      });
    fc.assert(
      fc.property(fc.oneof(headerText, genuine), (header) => {
        const id = signer.sessionIdFrom(header, '__Host-sid');
        if (id !== undefined) expect(signedByUs(cookieValue(header, '__Host-sid'), id)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds the same cookie value as express-session (the cookie package) in any header', () => {
    const name = fc.constantFrom('__Host-sid', 'sid', 'a');
    const structured = fc
      .array(fc.tuple(fc.oneof(name, fc.constant('')), blank, fc.constantFrom('=', '', '=='), fc.string({ maxLength: 8, unit: 'binary' })), { maxLength: 5 })
      .map((pairs) => pairs.map(([n, pad, eq, v]) => `${pad}${n}${pad}${eq}${pad}${v}`).join(';'));
    fc.assert(
      fc.property(fc.oneof(headerText, structured), name, (header, wanted) => {
        expect(cookieValue(header, wanted)).toBe(cookiePackage.parse(header)[wanted]);
      }),
      { numRuns: RUNS },
    );
  });
});
