import type { GeoLocation, Place } from './geo-location.js';

/**
 * One entry of a user's security activity log, as the store keeps it and `SecurityActivity.list`
 * returns it. `type`: `login`, `login_failed`, `logout`, `mfa.<outcome>`, `session.revoked`,
 * `session.binding_mismatch`, `anomaly.*`.
 */
export interface SecurityActivityEntry {
  type: string;
  /** Epoch ms. */
  at: number;
  /** The /24 or /48 network (whole IPs with `activityLog.fullIp`); null when unknown. */
  ip: string | null;
  location: Place | null;
  browser: string | null;
  os: string | null;
  /** What else there is to say: a reason, an MFA purpose, an anomaly's places and distance. */
  detail?: Record<string, string | number | boolean | null | Place>;
}

/** What the login rules remember of a user's previous login. */
export interface LoginSighting {
  at: number;
  /** Where it was; only what a distance needs (country, city, point, radius). */
  location?: GeoLocation;
}

/** What a login learns from the store in the same round trip that records it. */
export interface LoginHistory {
  previous: LoginSighting | undefined;
  /** When the user last logged in with this device family (epoch ms), if ever within the TTL. */
  deviceLastSeen: number | undefined;
}

export interface ActivityLimits {
  now: number;
  /** Entries kept per user. */
  maxEntries: number;
  /** How long the log is kept after its last entry (ms). */
  ttl: number;
  /** How long login history (previous login, device families) is kept (ms). */
  historyTtl: number;
}

/**
 * Where the security activity log and the login history live. The module's implementations
 * sit beside its session stores (memory, Redis incl. Cluster, under the user's hash tag).
 */
export interface SecurityActivityStore {
  /**
   * Records a login, atomically and in one round trip: returns the previous login and when the
   * device family was last used, then stores this login as the previous one, stamps the family
   * and appends `entry` to the log.
   */
  recordLogin(userId: string, login: LoginSighting, device: string | undefined, entry: SecurityActivityEntry, limits: ActivityLimits): Promise<LoginHistory>;
  /**
   * Undoes the history part of a login the rules refused (its log entry stays): the previous
   * login and the device family's last use go back to what `recordLogin` returned, so a refused
   * attempt from far away does not make the user's next genuine login look like a jump.
   */
  restoreLogin(userId: string, device: string | undefined, history: LoginHistory): Promise<void>;
  /** Appends an entry; the log keeps the newest `maxEntries`. */
  append(userId: string, entry: SecurityActivityEntry, limits: ActivityLimits): Promise<void>;
  /** The newest entries first, at most `limit`. */
  list(userId: string, limit: number, now: number): Promise<SecurityActivityEntry[]>;
  close(): Promise<void>;
}
