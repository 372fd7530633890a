import { createHmac } from 'node:crypto';
import { BoundedMemo } from '../util/bounded-memo.js';

/** Signed values remembered as verified: enough for every session that is active at once on an instance. */
const VERIFIED_MEMO_SIZE = 10_000;

/**
 * The session cookie's value, in express-session's format: `s:<id>.<signature>`, the signature
 * being cookie-signature's (HMAC-SHA-256 of the ID, base64 without padding), URL-encoded in the
 * header. Cookies written by express-session stay valid and the other way round.
 *
 * The first secret signs; every secret verifies, so a secret can be rotated out.
 */
export class SignedSessionCookie {
  private readonly keys: Buffer[];
  /**
   * Cookie values (as sent, still URL-encoded) already verified, with their ID: a hot
   * session's requests skip the decoding and the HMAC. The result is a pure function of the
   * value and the secrets, which never change while the app runs; only a value that verified
   * is remembered, so a forged one always takes the full check.
   */
  private readonly verified = new BoundedMemo<string, string>(VERIFIED_MEMO_SIZE);

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new TypeError('SignedSessionCookie needs at least one secret');
    // Encoded once, not on every HMAC (a Buffer measured faster than a KeyObject here).
    this.keys = secrets.map((secret) => Buffer.from(secret, 'utf8'));
  }

  /** The cookie value (before URL encoding) for `sessionId`, signed with the first secret. */
  sign(sessionId: string): string {
    return `s:${sessionId}.${signature(this.keys[0]!, sessionId)}`;
  }

  /**
   * The session ID in the request's `Cookie` header under `name`, or undefined when there is
   * none or its signature matches no secret. Like express-session (the `cookie` package), the
   * first cookie of that name counts; a later one never replaces a refused first one.
   */
  sessionIdFrom(cookieHeader: string | undefined, name: string): string | undefined {
    const raw = rawCookieValue(cookieHeader, name);
    if (raw === undefined) return undefined;
    const remembered = this.verified.get(raw);
    if (remembered !== undefined) return remembered;
    const value = decode(raw);
    const sessionId = value.startsWith('s:') ? this.unsign(value.slice(2)) : undefined;
    if (sessionId !== undefined) this.verified.set(raw, sessionId);
    return sessionId;
  }

  private unsign(signed: string): string | undefined {
    const dot = signed.lastIndexOf('.');
    if (dot < 1) return undefined;
    const sessionId = signed.slice(0, dot);
    const given = signed.slice(dot + 1);
    for (const key of this.keys) {
      if (constantTimeEqual(signature(key, sessionId), given)) return sessionId;
    }
    return undefined;
  }
}

/**
 * Compares two strings in time that depends on their lengths only, never on where they differ.
 * The signatures are short ASCII strings: a loop over their code units does what
 * `crypto.timingSafeEqual` does, without encoding both into Buffers on every request.
 */
function constantTimeEqual(expected: string, given: string): boolean {
  if (expected.length !== given.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return difference === 0;
}

function signature(key: Buffer, value: string): string {
  const mac = createHmac('sha256', key).update(value).digest('base64');
  // A 32-byte MAC is 44 base64 characters, the last one padding.
  return mac.endsWith('=') ? mac.slice(0, -1) : mac;
}

/**
 * One cookie's value out of a `Cookie` header, parsed as the `cookie` package parses it
 * (pairs split on `;`, spaces and tabs around names and values dropped, surrounding quotes
 * dropped, percent-decoded when that is valid), without building an object of every cookie the
 * browser sent. Only spaces and tabs are blanks there: a name with any other white space around
 * it is another cookie to express-session, so it must be here too.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  const raw = rawCookieValue(header, name);
  return raw === undefined ? undefined : decode(raw);
}

/** {@link cookieValue} before percent-decoding. */
export function rawCookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const length = header.length;
  let start = 0;
  while (start < length) {
    const eq = header.indexOf('=', start);
    if (eq === -1) return undefined;
    let end = header.indexOf(';', start);
    if (end === -1) end = length;
    else if (eq > end) {
      // A pair without `=`: skip it.
      start = end + 1;
      continue;
    }
    if (withoutBlanks(header, start, eq) === name) return unquote(withoutBlanks(header, eq + 1, end));
    start = end + 1;
  }
  return undefined;
}

/** `header` from `start` to `end` without the spaces and tabs at either end. */
function withoutBlanks(header: string, start: number, end: number): string {
  while (start < end && isBlank(header.charCodeAt(start))) start++;
  while (end > start && isBlank(header.charCodeAt(end - 1))) end--;
  return header.slice(start, end);
}

const isBlank = (code: number) => code === 0x20 || code === 0x09;

/** As the cookie package: a lone `"` is an empty quoted value too. */
function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
