import type { SessionGeoState } from './monitoring/session-geo-state.js';

/** A JSON value, what a session can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The authenticated principal a login handler returns. Only `id` is required. */
export interface SessionUser {
  id: string;
  [key: string]: JsonValue;
}

/** Where a session stands in the login flow. */
export type MfaState = 'none' | 'pending' | 'verified';

/** The security part of a session record, written only by the module. */
export interface SessionAuthState {
  user: SessionUser;
  /** When the password step succeeded (epoch ms): the absolute timeout counts from here. */
  authenticatedAt: number;
  /** `none`: the user has no MFA; `pending`: password done, TOTP awaited; `verified`: MFA done. */
  mfa: MfaState;
  /** When MFA was last verified in this session (epoch ms), for step-up. */
  mfaVerifiedAt?: number;
  /**
   * The revision of the user's MFA enrolment that verification was made against (or that this
   * session's own last MFA change wrote). A step-up proves the factor of that revision only: an
   * MFA change after the enrolment moved on elsewhere needs a new one.
   */
  mfaRevision?: string;
}

/** Book-keeping every session record carries. */
export interface SessionMeta {
  /** When this session (device) was created (epoch ms). Kept across ID regeneration. */
  createdAt: number;
  /** The last request seen, written at a throttled rate (epoch ms). */
  lastSeenAt: number;
  /**
   * Public handle of this session (device): random, not derived from the ID, kept across
   * ID regeneration. Safe to show in device lists; useless as a cookie.
   */
  handle: string;
  /** Client IP at login (`req.ip`, so `trust proxy` applies). */
  ip?: string;
  /** User-Agent at login, truncated. */
  userAgent?: string;
  /** When the current session ID was issued (epoch ms): ID rotation counts from here. */
  idIssuedAt?: number;
  /**
   * Client attributes that differed from `ip` / `userAgent` and were already reported under a
   * `warn` binding policy, so one change is reported once, not on every request.
   * @internal
   */
  reported?: { ip?: string; userAgent?: string };
  /** With `monitoring`: the last client IP and location, and a step-up an anomaly demanded. @internal */
  geo?: SessionGeoState;
}

/** What `@CurrentSession()` gives a handler. */
export interface CurrentSessionInfo {
  user: SessionUser;
  userId: string;
  /** The public device handle (see SessionMeta.handle). */
  handle: string;
  mfa: MfaState;
  /** True when the session may reach routes guarded by MfaGuard. */
  fullyAuthenticated: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  authenticatedAt: Date;
  mfaVerifiedAt: Date | undefined;
}

/** A TOTP enrolment waiting in the session for its confirming code. */
export interface PendingMfaEnrollment {
  /** The new secret, encrypted for this purpose and user. */
  secret: string;
  /** When enrolment started (epoch ms): it dies after `mfa.pendingEnrollmentMaxAge`. */
  startedAt: number;
  /**
   * The revision of the user's enrolment when this one started (`none` when the user had no
   * MFA). A confirmation is refused when the enrolment changed since: a stale enrolment from an
   * old session must never replace a factor the user set up elsewhere. Absent in enrolments
   * started before this field existed: those start over.
   */
  basis?: string;
}

/**
 * The fields the module keeps in `req.session`. Every one is optional because a session may
 * lack it: an anonymous session has no `auth` and no `meta` until someone logs in, `data` only
 * once something was set, `mfaEnrollment` only while an enrolment waits.
 */
declare module 'express-session' {
  interface SessionData {
    /** Who is logged in, and how far (password, MFA); absent on anonymous sessions. */
    auth?: SessionAuthState;
    /** Device book-keeping (handle, timestamps, client); absent until the first login. */
    meta?: SessionMeta;
    /**
     * A TOTP enrolment waiting for its first code; server-side only. `secret` is encrypted
     * (AES-256-GCM under `mfa.encryptionKeys`), so a store dump does not show it either.
     */
    mfaEnrollment?: PendingMfaEnrollment;
    /** App data written through SessionService.set(). */
    data?: Record<string, JsonValue>;
  }
}
