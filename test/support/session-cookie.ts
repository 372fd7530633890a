import type { Response } from 'supertest';
import { setCookies, type ParsedCookie } from './http-client.js';

export const COOKIE = '__Host-sid';

/** The raw session ID inside a signed cookie value (`s:<id>.<signature>`, URL-encoded). */
export function sessionIdOf(cookieValue: string): string {
  const decoded = decodeURIComponent(cookieValue);
  if (!decoded.startsWith('s:')) throw new Error('not a signed session cookie');
  return decoded.slice(2, decoded.lastIndexOf('.'));
}

/** The response's Set-Cookie lines for the session cookie. */
export function sessionCookies(res: Response): ParsedCookie[] {
  return setCookies(res).filter((cookie) => cookie.name === COOKIE);
}

/** True when the response tells the browser to drop the session cookie. */
export function expiresSessionCookie(res: Response): boolean {
  return sessionCookies(res).some((cookie) => {
    const expires = cookie.attributes['expires'];
    return typeof expires === 'string' && Date.parse(expires) <= Date.now();
  });
}
