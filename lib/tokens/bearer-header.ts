import type { Request } from 'express';
import { InvalidTokenException } from '../errors/token.exceptions.js';

/** Longer than any token the module mints (about 500 characters) by far; anything longer is junk. */
export const MAX_TOKEN_LENGTH = 4096;

/** A compact JWS: three base64url parts. Also shuts out NUL, surrogates and every other odd character. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The token of `Authorization: Bearer <token>` (RFC 6750 2.1; the scheme is case-insensitive).
 * The header only: a token in a query string or a body is never looked at.
 * @throws InvalidTokenException when the header is missing or is not one well-formed bearer token.
 */
export function bearerTokenOf(req: Request): string {
  const header: unknown = req.headers.authorization;
  if (header === undefined || header === '') throw new InvalidTokenException('Send the access token as Authorization: Bearer <token>.', true);
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 7) throw new InvalidTokenException();
  const space = header.indexOf(' ');
  if (space !== 6 || header.slice(0, 6).toLowerCase() !== 'bearer') {
    throw new InvalidTokenException('Send the access token as Authorization: Bearer <token>.', true);
  }
  const token = header.slice(7);
  if (!COMPACT_JWS.test(token)) throw new InvalidTokenException();
  return token;
}
