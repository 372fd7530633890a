/**
 * Events about a session's lifetime and devices. Like every event of the module they carry no
 * session ID, storage key or cookie value: `handle` is the public device handle, safe to log
 * and to show to the user.
 */
export interface SessionEventSubject {
  /** The authenticated user, undefined for an anonymous session. */
  userId: string | undefined;
  /** The session's public device handle. */
  handle: string | undefined;
  /**
   * The client IP: the request's (`req.ip`, so `trust proxy` applies) for events a request
   * raised, the one recorded at login for `session.revoked`.
   */
  ip: string | undefined;
  /** The User-Agent, from the request or recorded at login like `ip`. */
  userAgent: string | undefined;
}

interface SessionEventBase<T extends string> extends SessionEventSubject {
  type: T;
  /** Epoch ms. */
  timestamp: number;
}

/** A client attribute differs from the one recorded at login (see the `binding` option). */
export interface BindingMismatchEvent extends SessionEventBase<'session.binding_mismatch'> {
  attribute: 'userAgent' | 'ip';
  /** `warn`: reported, the session goes on; `strict`: the session was destroyed. */
  policy: 'warn' | 'strict';
  /** The value recorded for the session. */
  expected: string;
  /** The value this request came with. */
  actual: string;
}

/** The session ID was rotated (see `rotateInterval`); the handle stays the same. */
export type SessionRotatedEvent = SessionEventBase<'session.rotated'>;

/**
 * Why a session was revoked:
 * - `revoke`: `revokeSession(userId, handle)`
 * - `revoke_others`: `revokeOtherSessions(req)` ("sign out other devices")
 * - `revoke_all`: `revokeAllSessions(userId)` (logout everywhere, password change, admins)
 * - `session_limit`: evicted by a newer login over `maxSessionsPerUser` (policy `evict-oldest`)
 * - `mfa_changed`: the user enrolled, re-enrolled, regenerated recovery codes or turned MFA off in
 *   another session (`mfa.endOtherSessionsOnChange`)
 */
export type SessionRevokeReason = 'revoke' | 'revoke_others' | 'revoke_all' | 'session_limit' | 'mfa_changed';

/** A session was ended from elsewhere: its next request, on any instance, is anonymous. */
export interface SessionRevokedEvent extends SessionEventBase<'session.revoked'> {
  userId: string;
  handle: string;
  reason: SessionRevokeReason;
}

/** Events about sessions themselves (lifetime, binding, devices). */
export type SessionLifecycleEvent = BindingMismatchEvent | SessionRotatedEvent | SessionRevokedEvent;
