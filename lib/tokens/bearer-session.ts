import type { Request } from 'express';
import type { CurrentSessionInfo } from '../session.types.js';

/** The session a bearer request was authenticated as, with the token's own details. */
export interface BearerSessionInfo extends CurrentSessionInfo {
  /** The token's `jti`. */
  tokenId: string;
  /** The token's `exp`. */
  tokenExpiresAt: Date;
}

/** Filled by SessionTokenGuard only: a cookie session never lands here, a token never in `req.session`. */
const bearerSessions = new WeakMap<Request, BearerSessionInfo>();

export function setBearerSession(req: Request, session: BearerSessionInfo): void {
  bearerSessions.set(req, session);
}

/** The session SessionTokenGuard authenticated this request as; undefined on every other route. */
export function bearerSessionOf(req: Request): BearerSessionInfo | undefined {
  return bearerSessions.get(req);
}
