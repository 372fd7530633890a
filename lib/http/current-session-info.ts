import type { Request } from 'express';
import type { CurrentSessionInfo } from '../session.types.js';

/** The typed, read-only view of the request's authenticated session; undefined if anonymous. */
export function describeSession(req: Request): CurrentSessionInfo | undefined {
  const auth = req.session?.auth;
  if (!auth) return undefined;
  const meta = req.session.meta;
  return {
    user: auth.user,
    userId: auth.user.id,
    handle: meta?.handle ?? '',
    mfa: auth.mfa,
    fullyAuthenticated: auth.mfa !== 'pending',
    createdAt: new Date(meta?.createdAt ?? auth.authenticatedAt),
    lastSeenAt: new Date(meta?.lastSeenAt ?? auth.authenticatedAt),
    authenticatedAt: new Date(auth.authenticatedAt),
    mfaVerifiedAt: auth.mfaVerifiedAt === undefined ? undefined : new Date(auth.mfaVerifiedAt),
  };
}
