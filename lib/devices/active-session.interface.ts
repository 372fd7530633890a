import type { MfaState } from '../session.types.js';

/** One live session of a user, as listSessions returns it (safe to show to that user). */
export interface ActiveSession {
  /** The public handle: what revokeSession takes. Never the cookie value, nor derivable from it. */
  handle: string;
  /** True for the session of the request listSessions was called with. */
  current: boolean;
  createdAt: Date;
  /** The last activity recorded, throttled (to within the activity write interval). */
  lastSeenAt: Date;
  /** When the session dies unless it is active again (the earlier of idle and absolute deadlines). */
  expiresAt: Date;
  /** Client IP at login. */
  ip?: string;
  /** User-Agent at login, truncated. */
  userAgent?: string;
  /** Browser family and major version parsed from the User-Agent, e.g. `Firefox 128`. */
  browser?: string;
  /** Operating system parsed from the User-Agent, e.g. `Windows`, `Android 14`. */
  os?: string;
  /** `pending`: password done, MFA not yet; such sessions are listed and counted too. */
  mfa: MfaState;
}
