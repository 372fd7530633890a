import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import {
  SessionIndexNotConfiguredException,
  SessionLimitException,
  SessionNotFoundException,
} from '../errors/devices.exceptions.js';
import { UnauthenticatedException } from '../errors/session.exceptions.js';
import { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { SessionRevokeReason } from '../events/session.event.js';
import { sessionDeadline } from '../http/session-deadline.js';
import { SESSION_STORE } from '../session.constants.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { sessionStateOf } from '../http/request-session-state.js';
import type { SessionActivityListener } from '../store/session-repository.js';
import { SessionIdHasher } from '../store/session-id-hasher.js';
import type { SessionStore, StoredSession } from '../store/session-store.interface.js';
import { withTimeout } from '../store/store-timeout.js';
import type { ActiveSession } from './active-session.interface.js';
import { SESSION_INDEX } from '../session.internal-constants.js';
import type { SessionIndex, SessionIndexEntry } from './session-index.interface.js';
import { TimeBoundSessionIndex } from './time-bound-session-index.js';
import { isDeviceHandle } from './device-handle.js';
import { failClosed } from '../store/store-failure.js';
import { summarizeUserAgent } from './user-agent.js';
import { describeError } from '../errors/describe-error.js';

/** Where a request's authenticated session sits in the index. */
export interface IndexedSession {
  userId: string;
  handle: string;
  storageKey: string;
}


/** Revocation retries when a session changes ID while it is being revoked; more than this is no race. */
const MAX_REVOKE_ROUNDS = 5;

/**
 * Keeps the per-user session index in step with the sessions (login, ID regeneration, activity,
 * logout) and answers the device API that SessionService exposes: list, revoke one, revoke the
 * others, revoke all, and the concurrent-session limit.
 *
 * Order of writes, so that no interleaving leaves a live session outside the index:
 * - new or regenerated session: the record is written first, then the index. A regeneration
 *   only replaces an entry that is still there; if it is gone (revoked meanwhile) SessionService
 *   ends the new session at once (and, for a rotation, the previous ID too).
 * - revocation and logout: the record is deleted first, then the entry, by compare-and-delete on
 *   its storage key; an entry that moved to a new key meanwhile has that key deleted in turn.
 *   A failure between the two steps leaves an entry without a record: it is not listed nor
 *   counted (every listed entry is checked against its record) and is pruned at its deadline.
 *
 * When the store or the index fails or does not answer within `storeTimeout`, the methods
 * reject with 503 `session_store_unavailable` (never a 500, never a hang); a login or ID change
 * whose entry could not be written leaves no new session behind.
 */
@Injectable()
export class SessionDevicesService implements SessionActivityListener {
  private readonly logger = new Logger('SessionModule');
  /** The index with every call bounded by `storeTimeout`; undefined when the app opted out. */
  private readonly index: SessionIndex | undefined;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    @Inject(SESSION_INDEX) index: SessionIndex | undefined,
    private readonly events: SessionEventEmitter,
    private readonly hasher: SessionIdHasher,
  ) {
    this.index = index && new TimeBoundSessionIndex(index, options.storeTimeout);
  }

  /** The user's live sessions, most recently active first; `current` marks the request's own. */
  async list(userId: string, req?: Request): Promise<ActiveSession[]> {
    requireUserId(userId);
    const index = this.requireIndex();
    const current = req ? this.identify(req) : undefined;
    const live = await this.available(async () => this.verified(userId, await index.list(userId, Date.now())));
    return live
      .map((entry) => toActiveSession(entry, current?.userId === userId && current.handle === entry.handle))
      .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime() || b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** Revokes one of the user's sessions; 404 `not_found` for a handle that is not one of them. */
  async revoke(userId: string, handle: string): Promise<void> {
    requireUserId(userId);
    const index = this.requireIndex();
    if (!isDeviceHandle(handle)) throw new SessionNotFoundException();
    const entry = await this.available(() => index.get(userId, handle, Date.now()));
    if (!entry) throw new SessionNotFoundException();
    await this.available(() => this.revokeEntries(index, userId, [entry], 'revoke'));
  }

  /** Revokes every session of the request's user but the request's own. @returns how many. */
  async revokeOthers(req: Request, reason: Extract<SessionRevokeReason, 'revoke_others' | 'mfa_changed'> = 'revoke_others'): Promise<number> {
    const current = this.identify(req);
    if (!current) throw new UnauthenticatedException();
    const index = this.requireIndex();
    return this.available(async () => {
      const others = (await index.list(current.userId, Date.now())).filter((entry) => entry.handle !== current.handle);
      return this.revokeEntries(index, current.userId, others, reason);
    });
  }

  /** Revokes every session of the user. @returns how many. */
  async revokeAll(userId: string): Promise<number> {
    requireUserId(userId);
    const index = this.requireIndex();
    return this.available(async () => this.revokeEntries(index, userId, await index.list(userId, Date.now()), 'revoke_all'));
  }

  /**
   * The live index entry of one session, by its user and public handle: one index read (the
   * bearer-token check). Null once the session ended (logout, revocation, expiry) or for a
   * handle of the wrong shape; a failing store rejects with 503.
   */
  async find(userId: string, handle: string): Promise<SessionIndexEntry | null> {
    const index = this.requireIndex();
    if (typeof userId !== 'string' || userId.length === 0 || !isDeviceHandle(handle)) return null;
    return this.available(() => index.get(userId, handle, Date.now()));
  }

  /**
   * The request's authenticated session as the index knows it; undefined when anonymous. A
   * request with an ID rotated moments ago (grace) is served the new ID's record: its key.
   */
  identify(req: Request): IndexedSession | undefined {
    const userId = req.session?.auth?.user?.id;
    const handle = req.session?.meta?.handle;
    if (typeof userId !== 'string' || !handle || !req.sessionID) return undefined;
    return { userId, handle, storageKey: sessionStateOf(req)?.version.storageKey ?? this.hasher.storageKey(req.sessionID) };
  }

  /**
   * Under the `reject` policy, refuses a login (409) before anything changes when the user
   * already holds `maxSessionsPerUser` sessions. The request's own session does not count:
   * logging in again replaces it.
   */
  async assertCanLogin(req: Request, userId: string): Promise<void> {
    const index = this.index;
    if (!index || this.options.sessionLimitPolicy !== 'reject') return;
    const own = this.identify(req);
    const max = this.options.maxSessionsPerUser;
    const isOwn = (entry: SessionIndexEntry) => own?.userId === userId && own.handle === entry.handle;
    const others = (entries: SessionIndexEntry[]) => entries.filter((entry) => !isOwn(entry));
    const full = await this.available(async () => {
      const listed = others(await index.list(userId, Date.now()));
      return listed.length >= max && others(await this.verified(userId, listed)).length >= max;
    });
    if (full) throw new SessionLimitException(max);
  }

  /**
   * Called by SessionService after an ID regeneration was saved: moves the entry to the new
   * storage key (rotation, MFA completion), adds the entry of a new session (login), or drops
   * the entry of an ended one (terminate: nothing is added).
   * @returns false when the session's entry was gone (revoked or expired while its ID was
   * changing): nothing was written, and the caller must end the new session.
   */
  async regenerated(req: Request, before: IndexedSession | undefined): Promise<boolean> {
    const index = this.index;
    if (!index) return true;
    const after = this.identify(req);
    const sameSession = before !== undefined && after?.userId === before.userId && after.handle === before.handle;
    if (before && !sameSession) {
      // The old record is already gone: a left-over entry would only be hidden, then pruned.
      await index.remove(before.userId, [before], Date.now()).catch((err: unknown) => this.report(err));
    }
    if (!after) return true;
    const deadline = sessionDeadline(req.session, this.options);
    const entry = this.entryFor(after.storageKey, req.session, deadline, sameSession ? before.storageKey : undefined);
    let indexed = true;
    let count = 0;
    try {
      if (sameSession) indexed = await index.replace(after.userId, entry, Date.now());
      else count = await index.put(after.userId, entry, Date.now());
    } catch (err) {
      // A session the index does not know could be neither listed nor revoked: it must not live.
      await this.discard(req, after.storageKey);
      throw err;
    }
    // Revoked (or expired) while its ID was changing: the new record must not outlive that.
    if (!indexed) return false;
    if (!sameSession) await this.enforceLimit(index, req, after, count);
    return true;
  }

  /**
   * Called by SessionService after a session record was destroyed (logout). Best effort: the
   * logout has happened; an entry left behind is hidden (no record) and pruned at its deadline.
   */
  async destroyed(before: IndexedSession | undefined): Promise<void> {
    if (!before || !this.index) return;
    await this.index.remove(before.userId, [before], Date.now()).catch((err: unknown) => this.report(err));
  }

  /**
   * A stored session recorded activity: the entry's lastSeenAt and deadline (its score) follow,
   * if it still points at the key written. When it does not, the session was revoked, or moved
   * on to a new ID (a write under a rotated-out ID), and there is nothing to follow.
   */
  async activityRecorded(storageKey: string, sess: Partial<SessionData>, deadline: number): Promise<void> {
    const userId = sess.auth?.user?.id;
    if (!this.index || typeof userId !== 'string' || !sess.meta?.handle) return;
    await this.index.replace(userId, this.entryFor(storageKey, sess, deadline), Date.now());
  }

  /**
   * After a new session was added, ranks the user's live sessions by `seq` (login order, set
   * atomically by the index): `evict-oldest` revokes all but the newest `maxSessionsPerUser`;
   * `reject` undoes this login unless fewer than that many logged in before it. Every login
   * that races this one ranks the same way, so together they never keep more than the limit.
   *
   * `count` is how many entries the put left, counted in the same atomic step: within the
   * limit there is nothing to rank (and no list to read), since every entry put later counts
   * this one too and checks the limit itself.
   */
  private async enforceLimit(index: SessionIndex, req: Request, added: IndexedSession, count: number): Promise<void> {
    const max = this.options.maxSessionsPerUser;
    if (count <= max) return;
    const over = await this.available(async () => {
      const listed = await index.list(added.userId, Date.now());
      if (listed.length <= max) return undefined;
      const live = (await this.verified(added.userId, listed)).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      return live.length <= max ? undefined : live;
    });
    if (!over) return;
    if (this.options.sessionLimitPolicy === 'evict-oldest') {
      await this.available(() => this.revokeEntries(index, added.userId, over.slice(0, over.length - max), 'session_limit'));
      return;
    }
    const own = over.find((entry) => entry.handle === added.handle);
    if (!own || over.indexOf(own) < max) return;
    await this.available(() => this.revokeEntries(index, added.userId, [own]));
    strip(req.session);
    throw new SessionLimitException(max);
  }

  /**
   * Deletes the sessions' records, then their entries; follows entries that moved meanwhile.
   * Each revoked session is reported (`session.revoked`) when a `reason` is given.
   */
  private async revokeEntries(
    index: SessionIndex,
    userId: string,
    entries: SessionIndexEntry[],
    reason?: SessionRevokeReason,
  ): Promise<number> {
    let pending = entries;
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_REVOKE_ROUNDS) throw new Error('SessionModule: a session kept changing its ID while being revoked.');
      // The previous key too: a record still under a rotated-out ID (its grace window) dies with it.
      const keys = pending.flatMap((entry) => [entry.storageKey, entry.previousStorageKey]);
      await Promise.all(keys.map((key) => key && this.destroyRecord(key)));
      const targets = pending.map(({ handle, storageKey }) => ({ handle, storageKey }));
      pending = await index.remove(userId, targets, Date.now());
    }
    if (reason) for (const entry of entries) this.reportRevoked(userId, entry, reason);
    return entries.length;
  }

  private reportRevoked(userId: string, entry: SessionIndexEntry, reason: SessionRevokeReason): void {
    this.events.emit({
      type: 'session.revoked',
      userId,
      handle: entry.handle,
      reason,
      ip: entry.ip,
      userAgent: entry.userAgent,
      timestamp: Date.now(),
    });
  }

  /**
   * The entries whose session record still exists and is this user's session with this handle.
   * An entry can outlive its record (a failure between the two deletes, an evicted record);
   * such an entry is neither shown nor counted, and is pruned at its deadline.
   */
  private async verified(userId: string, entries: SessionIndexEntry[]): Promise<SessionIndexEntry[]> {
    const records = await Promise.all(entries.map((entry) => this.readRecord(entry.storageKey)));
    return entries.filter((entry, i) => {
      const record = records[i] as Partial<SessionData> | null;
      return record?.auth?.user?.id === userId && record.meta?.handle === entry.handle;
    });
  }

  private entryFor(
    storageKey: string,
    sess: Partial<SessionData>,
    deadline: number,
    previousStorageKey?: string,
  ): SessionIndexEntry {
    const meta = sess.meta!;
    return {
      handle: meta.handle,
      storageKey,
      ...(previousStorageKey && previousStorageKey !== storageKey ? { previousStorageKey } : {}),
      createdAt: meta.createdAt,
      lastSeenAt: meta.lastSeenAt,
      expiresAt: deadline,
      ...(meta.ip ? { ip: meta.ip } : {}),
      ...(meta.userAgent ? { userAgent: meta.userAgent } : {}),
      mfa: sess.auth?.mfa ?? 'none',
    };
  }

  /** A session record, bounded by `storeTimeout` like every store call of the module. */
  private readRecord(key: string): Promise<StoredSession | null> {
    return withTimeout(this.store.get(key), this.options.storeTimeout, 'read');
  }

  private destroyRecord(key: string): Promise<void> {
    return withTimeout(this.store.destroy(key), this.options.storeTimeout, 'delete');
  }

  /** Runs `work`; a failure of the store or the index becomes 503 (HTTP errors pass as they are). */
  private available<T>(work: () => Promise<T>): Promise<T> {
    return failClosed(work(), 'session store or index');
  }

  /** Name and message only: store errors never carry session IDs here (keys are hashed). */
  private report(err: unknown): void {
    this.logger.error(`session store or index failed: ${describeError(err)}`);
  }

  /** Best effort: deletes a record that must not live and makes the rest of the request anonymous. */
  private async discard(req: Request, storageKey: string): Promise<void> {
    await this.destroyRecord(storageKey).catch((err: unknown) => this.report(err));
    strip(req.session);
  }

  private requireIndex(): SessionIndex {
    if (!this.index) throw new SessionIndexNotConfiguredException();
    return this.index;
  }
}

function requireUserId(userId: string): void {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new TypeError('SessionService: userId must be a non-empty string');
  }
}

/** The rest of this request runs anonymous: its session is gone from the store. */
function strip(sess: Partial<SessionData>): void {
  delete sess.auth;
  delete sess.meta;
  delete sess.data;
  delete sess.mfaEnrollment;
}

function toActiveSession(entry: SessionIndexEntry, current: boolean): ActiveSession {
  return {
    handle: entry.handle,
    current,
    createdAt: new Date(entry.createdAt),
    lastSeenAt: new Date(entry.lastSeenAt),
    expiresAt: new Date(entry.expiresAt),
    ...(entry.ip ? { ip: entry.ip } : {}),
    ...(entry.userAgent ? { userAgent: entry.userAgent } : {}),
    ...summarizeUserAgent(entry.userAgent),
    mfa: entry.mfa,
  };
}
