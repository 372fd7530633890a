import type { SessionData } from 'express-session';
import {
  claimRotation,
  readThroughForward,
  removeFollowingForward,
  retireRotatedKey,
  writeThroughForward,
} from '../rotation/rotation-store-steps.js';
import type { SessionIdHasher } from './session-id-hasher.js';
import type { SessionStore, StoredSession } from './session-store.interface.js';
import { withTimeout } from './store-timeout.js';

/**
 * What a request knows of its session's stored record, kept in its RequestSessionState and
 * updated by {@link SessionRepository.save}: whether the next save creates or updates, the key
 * it was loaded under, and what was last written, so nothing is written twice.
 */
export interface StoredVersion {
  /** The record exists in the store: the next save is a conditional update, not a create. */
  persisted: boolean;
  /** The key the record was loaded under when it is not the hash of the ID (rotation grace). */
  storageKey?: string;
  /** The record as this request last wrote it (JSON). */
  written?: string;
  /** lastSeenAt and deadline as loaded or last written, to tell whether activity moved them. */
  activity?: string;
}

/** A stored session, loaded. */
export interface LoadedSession {
  data: SessionData;
  /** Set when the ID was rotated moments ago and the record came from the new ID's key. */
  storageKey?: string;
}

/**
 * Told after a stored session was rewritten with new activity (lastSeenAt, written at a
 * throttled rate, and the deadline that follows it), so what mirrors the record (the per-user
 * session index) can follow. A rejection fails the save.
 */
export interface SessionActivityListener {
  activityRecorded(storageKey: string, sess: Partial<SessionData>, deadline: number): Promise<void>;
}

export interface RepositoryOptions {
  storeTimeout: number;
  /** See SessionBackend.boundsOwnOperations: reads then need no second timer. */
  storeBoundsItself: boolean;
}

/**
 * The one way to the session store, promises only, below everything that uses sessions (the
 * request path, SessionService, the rotation): hashes IDs into storage keys, turns saves into
 * conditional writes (create for new sessions, update for stored ones), follows rotation
 * forwards during their grace period, and bounds every operation by `storeTimeout`: a failure
 * or timeout rejects, and the caller's storeOperation() makes it a 503.
 */
export class SessionRepository {
  constructor(
    private readonly store: SessionStore,
    private readonly hasher: SessionIdHasher,
    private readonly options: RepositoryOptions,
    /** The per-user session index hears of recorded activity, so each entry follows its session's deadline. */
    private readonly listener?: SessionActivityListener,
  ) {}

  /** The storage key of a session ID. */
  storageKey(id: string): string {
    return this.hasher.storageKey(id);
  }

  /** The stored session of `id` (following a rotation forward), or null. */
  load(id: string): Promise<LoadedSession | null> {
    // Every request's read: a store that bounds its own operations as tightly is not bounded twice.
    const reading = this.read(id);
    return this.options.storeBoundsItself ? reading : this.bounded(reading, 'read');
  }

  /**
   * Writes the session of `id` to expire at `deadline`: creates it when `version` says it is
   * not stored yet, updates it otherwise (never re-creating a record a logout removed). An
   * empty or already expired session is not stored (or is removed).
   */
  save(id: string, sess: Partial<SessionData>, deadline: number, version: StoredVersion): Promise<void> {
    return this.bounded(this.write(id, sess, deadline, version), 'write');
  }

  /**
   * Deletes the session of `id` and what it was rotated into. `neverRotated`: the caller knows
   * no rotation of this ID can have been claimed (see rotation-due.ts mayHaveRotated), so there
   * is no forward to follow: one store command instead of two in a row.
   */
  remove(id: string, neverRotated = false): Promise<void> {
    const key = this.storageKey(id);
    return this.bounded(neverRotated ? this.store.destroy(key) : removeFollowingForward(this.store, key), 'delete');
  }

  /** See rotation-store-steps.ts claimRotation. */
  claimRotation(id: string, graceMs: number): Promise<boolean> {
    return this.bounded(claimRotation(this.store, this.storageKey(id), graceMs), 'write');
  }

  /** See rotation-store-steps.ts retireRotatedKey. */
  retire(previousId: string, newId: string, graceMs: number, sess: Partial<SessionData>): Promise<boolean> {
    const retiring = retireRotatedKey(this.store, this.storageKey(previousId), this.storageKey(newId), graceMs, toRecord(sess));
    return this.bounded(retiring, 'write');
  }

  private async read(id: string): Promise<LoadedSession | null> {
    const key = this.storageKey(id);
    const record = await this.store.get(key);
    if (record) return { data: asSessionData(record) };
    // Not there: dead, unknown, or rotated moments ago and still inside its grace period.
    const forwarded = await readThroughForward(this.store, key);
    return forwarded ? { data: asSessionData(forwarded[1]), storageKey: forwarded[0] } : null;
  }

  private async write(id: string, sess: Partial<SessionData>, deadline: number, version: StoredVersion): Promise<void> {
    const key = version.storageKey ?? this.storageKey(id);
    const record = toRecord(sess);
    const ttl = deadline - Date.now();
    const empty = Object.keys(record).length === 0;
    if (!version.persisted) {
      if (empty || ttl <= 0) return;
      const written = JSON.stringify(record);
      if (await this.store.set(key, record, ttl, 'create')) {
        Object.assign(version, { persisted: true, written, activity: activityOf(sess, deadline) });
      }
      return;
    }
    if (empty || ttl <= 0) return this.store.destroy(key);
    const written = JSON.stringify(record);
    // The same record as this request last wrote (an explicit save, then the end-of-response
    // one): nothing changed, not even the deadline.
    if (version.written === written) return;
    if (await this.store.set(key, record, ttl, 'update')) {
      version.written = written;
      return this.recordActivity(key, sess, deadline, version);
    }
    const redirectedTo = await writeThroughForward(this.store, key, record, ttl);
    if (redirectedTo) await this.recordActivity(redirectedTo, sess, deadline, version);
  }

  /**
   * After an update: when the session's activity (lastSeenAt, deadline) moved since it was
   * loaded, the listener hears of it with the key actually written.
   */
  private async recordActivity(key: string, sess: Partial<SessionData>, deadline: number, version: StoredVersion): Promise<void> {
    const activity = activityOf(sess, deadline);
    if (!this.listener || version.activity === undefined || version.activity === activity) return;
    await this.listener.activityRecorded(key, sess, deadline);
    version.activity = activity;
  }

  private bounded<T>(operation: Promise<T>, name: string): Promise<T> {
    return withTimeout(operation, this.options.storeTimeout, name);
  }
}

/** lastSeenAt and deadline of a session, as one comparable string. */
export function activityOf(sess: Partial<SessionData>, deadline: number): string {
  return `${sess.meta?.lastSeenAt ?? ''}/${deadline}`;
}

/**
 * The stored record as session data: a copy (the Session built on it gets a cookie, and a
 * custom store may hand out what it keeps). The cast is the store boundary: a record is JSON
 * the module wrote from SessionData (and checked by the codec when it came from Redis).
 */
function asSessionData(record: StoredSession): SessionData {
  return { ...record } as unknown as SessionData;
}

/**
 * The stored form: everything but express-session's cookie, which is rebuilt from options.
 * The cast is the other side of the same boundary: SessionData's fields are JSON values.
 */
function toRecord(sess: Partial<SessionData>): StoredSession {
  const { cookie: _cookie, ...rest } = sess;
  return rest as unknown as StoredSession;
}
