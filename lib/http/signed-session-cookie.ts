import { createHmac } from 'node:crypto';

/**
 * The session cookie's value, in express-session's format: `s:<id>.<signature>`, the signature
 * being cookie-signature's (HMAC-SHA-256 of the ID, base64 without padding), URL-encoded in the
 * header. Cookies written by express-session stay valid and the other way round.
 *
 * The first secret signs; every secret verifies, so a secret can be rotated out.
 */
export class SignedSessionCookie {
  private readonly keys: Buffer[];

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
    const value = cookieValue(cookieHeader, name);
    if (value === undefined || !value.startsWith('s:')) return undefined;
    return this.unsign(value.slice(2));
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
 * (pairs split on `;`, names and values trimmed, surrounding quotes dropped, percent-decoded
 * when that is valid), without building an object of every cookie the browser sent.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
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
    if (header.slice(start, eq).trim() === name) return decode(unquote(header.slice(eq + 1, end).trim()));
    start = end + 1;
  }
  return undefined;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
