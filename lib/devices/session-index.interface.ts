import type { MfaState } from '../session.types.js';

/**
 * One live session of a user, as the per-user index keeps it. Written by the module on login,
 * ID regeneration and throttled activity; removed on logout, revocation and expiry.
 */
export interface SessionIndexEntry {
  /** The session's public handle (`meta.handle`): random, shown to users, useless as a cookie. */
  handle: string;
  /** The storage key of the session record (HMAC of the session ID), never the ID itself. */
  storageKey: string;
  /**
   * The storage key the session had before its last ID regeneration. Revocation deletes it too,
   * so a grace copy of a rotated-out ID cannot outlive a revoke.
   */
  previousStorageKey?: string;
  /** When the session (device) was created (epoch ms). */
  createdAt: number;
  /** The last activity the session recorded (epoch ms), throttled like the record's. */
  lastSeenAt: number;
  /** The session's deadline (epoch ms): the entry is pruned from then on. */
  expiresAt: number;
  /** Client IP at login. */
  ip?: string;
  /** User-Agent at login, truncated. */
  userAgent?: string;
  /** Where the session stands in the login flow; `pending` sessions are listed too. */
  mfa: MfaState;
  /**
   * Set by the index, ignored on input: the order in which the user's entries were added
   * (increasing per user, kept when an entry is replaced). Session limits rank by it, so
   * concurrent logins all agree on which sessions are the oldest.
   */
  seq?: number;
}

/** A session to remove from the index: removed only while it still points at `storageKey`. */
export interface SessionIndexTarget {
  handle: string;
  storageKey: string;
}

/**
 * The per-user index of live sessions behind listSessions / revoke / session limits. It lives
 * beside the sessions in the store (never in process memory when sessions are shared), costs
 * O(sessions of that user) per call, and prunes entries whose `expiresAt <= now` as part of
 * its normal reads and writes, so it never grows without bound.
 *
 * Implement it when you pass your own {@link SessionStore}; pass the instance as `sessionIndex`.
 * Each method must be atomic per user (one user's entries are changed all or nothing).
 */
export interface SessionIndex {
  /**
   * Adds or replaces `entry` (by handle); a new entry gets the next `seq`. An entry already
   * past `now` is not written (and removes the one it would replace).
   * @returns how many live entries the user has after the write, counted in the same atomic
   * step: a login checks the session limit against it and lists the entries only when over.
   */
  put(userId: string, entry: SessionIndexEntry, now: number): Promise<number>;
  /**
   * Replaces the entry with `entry.handle` only if it is still in the index and still points at
   * `entry.previousStorageKey ?? entry.storageKey`: the key a regenerated session moves from,
   * or the key a session's activity was just written under. A compare-and-set, so that of two
   * parallel ID changes of one session only one moves the entry, and a late write under a
   * rotated-out key never points the entry back at it.
   * @returns false when it is gone (revoked or expired meanwhile) or points elsewhere; nothing
   * was written.
   */
  replace(userId: string, entry: SessionIndexEntry, now: number): Promise<boolean>;
  /** The user's live entries, in no particular order. */
  list(userId: string, now: number): Promise<SessionIndexEntry[]>;
  /** The live entry with `handle`, or null. */
  get(userId: string, handle: string, now: number): Promise<SessionIndexEntry | null>;
  /**
   * Removes each target whose entry still points at its `storageKey` (compare-and-delete).
   * @returns the entries that now point elsewhere (their session got a new ID meanwhile).
   */
  remove(userId: string, targets: readonly SessionIndexTarget[], now: number): Promise<SessionIndexEntry[]>;
  /** Releases what the index opened itself (never a client the app passed in). */
  close(): Promise<void>;
}
