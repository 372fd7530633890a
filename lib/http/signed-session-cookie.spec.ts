import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cookieValue, SignedSessionCookie } from './signed-session-cookie.js';

const NAME = '__Host-sid';
const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

/** cookie-signature's sign(), which express-session uses: HMAC-SHA-256, base64 without padding. */
function expressSessionValue(id: string, secret: string): string {
  return `s:${id}.${createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')}`;
}

const header = (value: string) => `${NAME}=${encodeURIComponent(value)}`;

describe('SignedSessionCookie', () => {
  const cookie = new SignedSessionCookie(['new-secret', 'old-secret']);

  it('signs exactly as express-session does, with the first secret', () => {
    expect(cookie.sign(ID)).toBe(expressSessionValue(ID, 'new-secret'));
  });

  it('reads an ID signed by express-session with any of the secrets (rotation)', () => {
    expect(cookie.sessionIdFrom(header(expressSessionValue(ID, 'new-secret')), NAME)).toBe(ID);
    expect(cookie.sessionIdFrom(header(expressSessionValue(ID, 'old-secret')), NAME)).toBe(ID);
  });

  it('refuses a retired secret, a tampered ID or signature, and an unsigned value', () => {
    expect(cookie.sessionIdFrom(header(expressSessionValue(ID, 'retired')), NAME)).toBeUndefined();
    const genuine = expressSessionValue(ID, 'new-secret');
    expect(cookie.sessionIdFrom(header(genuine.replace(ID, `${ID.slice(0, -1)}6`)), NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(header(`${genuine.slice(0, -1)}A`), NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(header(`${genuine}A`), NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(header(genuine.slice(2)), NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(header(`s:${ID}`), NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(header('s:.sig'), NAME)).toBeUndefined();
  });

  it('reads only the cookie of its own name, case-sensitively', () => {
    const value = encodeURIComponent(expressSessionValue(ID, 'new-secret'));
    expect(cookie.sessionIdFrom(`__host-sid=${value}`, NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(`x${NAME}=${value}`, NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(`a=1; ${NAME}=${value}; b=2`, NAME)).toBe(ID);
  });

  it('the first cookie of the name counts, even when a later one would verify', () => {
    const value = encodeURIComponent(expressSessionValue(ID, 'new-secret'));
    expect(cookie.sessionIdFrom(`${NAME}=junk; ${NAME}=${value}`, NAME)).toBeUndefined();
    expect(cookie.sessionIdFrom(`${NAME}=${value}; ${NAME}=junk`, NAME)).toBe(ID);
  });

  it('remembers a verified value without ever letting another value through', () => {
    const fresh = new SignedSessionCookie(['new-secret']);
    const genuine = expressSessionValue(ID, 'new-secret');
    expect(fresh.sessionIdFrom(header(genuine), NAME)).toBe(ID);
    expect(fresh.sessionIdFrom(header(genuine), NAME)).toBe(ID);
    expect(fresh.sessionIdFrom(`${NAME}="${encodeURIComponent(genuine)}"`, NAME)).toBe(ID);
    expect(fresh.sessionIdFrom(`${NAME}=${genuine}`, NAME)).toBe(ID);
    expect(fresh.sessionIdFrom(header(`${genuine.slice(0, -1)}A`), NAME)).toBeUndefined();
    expect(fresh.sessionIdFrom(header(genuine.replace(ID, `${ID.slice(0, -1)}6`)), NAME)).toBeUndefined();
    // A value signed with a secret this instance does not have never verifies, remembered elsewhere or not.
    expect(new SignedSessionCookie(['other']).sessionIdFrom(header(genuine), NAME)).toBeUndefined();
  });

  it('needs a secret', () => {
    expect(() => new SignedSessionCookie([])).toThrow(TypeError);
  });
});

describe('cookieValue parses one cookie as the cookie package does', () => {
  it.each([
    ['a=1; b=2', 'b', '2'],
    ['  a = 1 ;b= 2  ', 'b', '2'],
    ['a="quoted"', 'a', 'quoted'],
    ['a=%73%3A1', 'a', 's:1'],
    ['a=%E0%A4%A', 'a', '%E0%A4%A'],
    ['flag; a=1', 'a', '1'],
    ['a=x=y', 'a', 'x=y'],
    ['a=', 'a', ''],
  ])('%j → %s = %j', (header, name, value) => {
    expect(cookieValue(header, name)).toBe(value);
  });

  it.each([[undefined], [''], ['a'], ['b=1'], ['ab=1'], ['flag']])('%j has no cookie a', (header) => {
    expect(cookieValue(header, 'a')).toBeUndefined();
  });
});
