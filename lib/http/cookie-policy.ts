import type { Request, Response } from 'express';
import type { CookieOptions } from 'express-session';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';

type CookieSettings = Pick<ResolvedSessionOptions, 'cookie'>;

/**
 * The session cookie's attributes: HttpOnly, Path=/, no Domain, no Expires (a browser-session
 * cookie; the server enforces the timeouts), SameSite as configured, Secure unless
 * `allowInsecureHttp` lets a plain-HTTP development request go without it.
 */
export function sessionCookieOptions({ cookie }: CookieSettings): CookieOptions {
  return {
    httpOnly: true,
    path: '/',
    sameSite: cookie.sameSite,
    secure: cookie.secure,
  };
}

/** The attributes of the session cookie of this request: `secure: 'auto'` follows whether it came over HTTPS. */
export function sessionCookieFor(req: Request, settings: CookieSettings): SessionCookieAttributes {
  const { secure } = settings.cookie;
  return { ...sessionCookieOptions(settings), secure: secure === 'auto' ? req.secure === true : secure } as SessionCookieAttributes;
}

/** The session cookie's attributes as sent. */
export interface SessionCookieAttributes {
  httpOnly: true;
  path: '/';
  sameSite: ResolvedSessionOptions['cookie']['sameSite'];
  secure: boolean;
}

/** Expires the session cookie with exactly the name and attributes it was set with. */
export function expireSessionCookie(req: Request, res: Response, { cookie }: CookieSettings): void {
  res.clearCookie(cookie.name, sessionCookieFor(req, { cookie }));
}
