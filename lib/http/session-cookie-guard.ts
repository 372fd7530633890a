import type { Request, Response } from 'express';
import { isStoreUnavailable } from './store-availability.js';

/**
 * The session cookie is a browser-session cookie: no Expires, no Max-Age. The deadlines are
 * enforced on the server from the record's timestamps, and the store TTL equals the earlier
 * one. Why not `Expires = deadline`: the idle deadline moves with activity, so the cookie would
 * have to be re-sent by requests that keep their ID, and such a re-send from a request that was
 * in flight while a parallel one rotated the ID puts the rotated-out ID back into the browser
 * (expressjs/session#923); the user is logged out when the grace period ends. Without Expires,
 * express-session sends the cookie only when the ID changes.
 *
 * What the browser is told instead: when a session dies (idle, absolute, binding) the request
 * goes on with an empty session, and its response expires the cookie.
 *
 * And a response to a request that found the store down never touches the cookie: a session
 * it could not store must not replace the one the browser holds.
 */
export function guardSessionCookie(req: Request, res: Response): void {
  beforeHeaders(res, () => {
    const session = req.session;
    if (!session) return;
    if (isStoreUnavailable(req)) {
      // express-session sets no cookie for a request without a session. Without an ID it does
      // not destroy anything at the end either (see the load failure in SessionMiddleware).
      req.session = undefined as unknown as Request['session'];
      req.sessionID = undefined as unknown as string;
      return;
    }
    if (Object.keys(session).every((key) => key === 'cookie')) session.cookie.expires = new Date(0);
  });
}

/**
 * Runs `listener` once, just before the response headers are written. Registered after
 * express-session's own hook, it runs before it (each hook wraps the previous writeHead).
 */
function beforeHeaders(res: Response, listener: () => void): void {
  const writeHead = res.writeHead;
  let fired = false;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!fired) {
      fired = true;
      listener();
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}
