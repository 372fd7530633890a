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
 * Sealed-cookie sessions (`store: { cookie }`): a cookie of a session that had ended (logout,
 * revocation, a later login, a timeout, a rotation's grace period over) came back and was
 * refused. A copy of the cookie is in other hands, or an old tab woke up. `userId` and
 * `handle` are the ended session's; the request goes on anonymous.
 */
export type SessionReplayedEvent = SessionEventBase<'session.replayed'>;

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

/** A login: the user's new session (new ID, fixation-safe). `mfa: 'required'` until the TOTP step. */
export interface LoginEvent extends SessionEventBase<'login'> {
  userId: string;
  handle: string;
  mfa: 'none' | 'required';
}

/**
 * Why a login was refused, as the app says (the module never sees passwords):
 * - `invalid_credentials`: wrong password or unknown user (apps should not tell them apart)
 * - `throttled`: refused by a rate limit before the password was checked
 * - `account_locked`, `account_disabled`: the account may not log in
 */
export type LoginFailureReason = 'invalid_credentials' | 'throttled' | 'account_locked' | 'account_disabled';

/**
 * A refused login, reported by the app through `SessionService.recordLoginFailure`. Never holds
 * the password. `handle` is undefined: the refused attempt started no session.
 */
export interface LoginFailedEvent extends SessionEventBase<'login_failed'> {
  reason: LoginFailureReason;
  /** The account the attempt named, when the app knows it. */
  userId: string | undefined;
  /** The username as typed (at most 256 characters), when the app passes it. */
  username?: string;
}

/** The session's user logged out (`SessionService.logout` or `destroy`): the record is gone. */
export interface LogoutEvent extends SessionEventBase<'logout'> {
  userId: string;
}

/** Which deadline ended a session: `idle` (no request for `idleTimeout`) or `absolute` (`absoluteTimeout` after login). */
export type SessionExpiryReason = 'idle' | 'absolute';

/**
 * A request came with a session past its deadline: the session was destroyed and the request
 * went on anonymous. The module's stores drop a record at that deadline (its TTL), so a request
 * rarely finds one (an app clock ahead of the store's, a custom store with coarse TTLs); a
 * session whose record is gone leaves nothing to report.
 */
export interface SessionExpiredEvent extends SessionEventBase<'session.expired'> {
  reason: SessionExpiryReason;
}

/** Events about sessions themselves (login, logout, lifetime, binding, devices). */
export type SessionLifecycleEvent =
  | LoginEvent
  | LoginFailedEvent
  | LogoutEvent
  | SessionExpiredEvent
  | BindingMismatchEvent
  | SessionRotatedEvent
  | SessionReplayedEvent
  | SessionRevokedEvent;
