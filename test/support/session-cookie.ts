import { createHmac } from 'node:crypto';
import type { Response } from 'supertest';
import { setCookies, type ParsedCookie } from './http-client.js';

/** The session cookie's name in the fixtures (HTTPS through a trusted proxy). */
export const COOKIE = '__Host-sid';

/**
 * The session ID inside a cookie value as express-session writes it: `s:<id>.<signature>`,
 * URL-encoded (`s%3A...`).
 */
export function sessionIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue);
  if (!decoded.startsWith('s:')) throw new Error(`not a signed session cookie: ${decoded.slice(0, 8)}...`);
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

/** Signs an ID the way express-session does (cookie-signature: HMAC-SHA-256, base64 without padding). */
export function signedCookieValue(id: string, secret: string): string {
  const signature = createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
  return encodeURIComponent(`s:${id}.${signature}`);
}

/** The Set-Cookie lines of a response for one cookie name. */
export function setCookiesNamed(res: Response, name: string): ParsedCookie[] {
  return setCookies(res).filter((cookie) => cookie.name === name);
}

/** The response's Set-Cookie lines for the session cookie. */
export function sessionCookies(res: Response): ParsedCookie[] {
  return setCookiesNamed(res, COOKIE);
}

/** True when the response tells the browser to drop the session cookie. */
export function expiresSessionCookie(res: Response): boolean {
  return sessionCookies(res).some((cookie) => {
    const expires = cookie.attributes['expires'];
    return typeof expires === 'string' && Date.parse(expires) <= Date.now();
  });
}
