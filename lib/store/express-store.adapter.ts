import session, { type SessionData } from 'express-session';
import type { SessionIdHasher } from './session-id-hasher.js';
import type { SessionStore, StoredSession } from './session-store.interface.js';
import { sessionDeadline } from '../http/session-lifetime.js';
import type { ResolvedSessionOptions } from '../session.options.js';

type Callback = (err?: unknown, data?: unknown) => void;

/** Marks a Session object that exists in the store, so its next save is a conditional update. */
const PERSISTED = Symbol('nest-secure-session.persisted');

/** lastSeenAt and deadline of a loaded session, so a save can tell whether activity moved them. */
const LOADED_ACTIVITY = Symbol('nest-secure-session.loaded-activity');

type Marked = { [PERSISTED]?: boolean; [LOADED_ACTIVITY]?: string };

/**
 * Told after a stored session was rewritten with new activity (lastSeenAt, written at a
 * throttled rate, and the deadline that follows it), so what mirrors the record (the per-user
 * session index) can follow. A rejection fails the save.
 */
export interface SessionActivityListener {
  activityRecorded(storageKey: string, sess: SessionData, deadline: number): Promise<void>;
}

/**
 * The express-session Store that sits between express-session and a {@link SessionStore}:
 * hashes IDs into storage keys, derives the TTL from the session's own deadline, and turns
 * saves into conditional writes (create for new sessions, update for loaded ones).
 */
export class ExpressStoreAdapter extends session.Store {
  constructor(
    private readonly store: SessionStore,
    private readonly hasher: SessionIdHasher,
    private readonly options: Pick<ResolvedSessionOptions, 'idleTimeout' | 'absoluteTimeout'>,
    private readonly listener?: SessionActivityListener,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.store.get(this.hasher.storageKey(sid)).then(
      // express-session rebuilds the cookie from this; attributes come from the options.
      (record) => callback(undefined, record ? ({ ...record, cookie: {} } as unknown as SessionData) : null),
      (err: unknown) => callback(err),
    );
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    const marked = sess as SessionData & Marked;
    const deadline = sessionDeadline(sess, this.options);
    const ttl = deadline - Date.now();
    const key = this.hasher.storageKey(sid);
    const mode = marked[PERSISTED] ? 'update' : 'create';
    const write = ttl <= 0 ? this.store.destroy(key).then(() => true) : this.store.set(key, toRecord(sess), ttl, mode);
    write
      .then(async (written) => {
        // A failed update means the session was destroyed meanwhile (logout, revoke, rotation):
        // dropping the write is the point. The next request with that cookie is anonymous.
        if (!written) return;
        Object.defineProperty(marked, PERSISTED, { value: true, enumerable: false, configurable: true });
        const loaded = marked[LOADED_ACTIVITY];
        const activity = activityOf(sess, deadline);
        if (ttl > 0 && mode === 'update' && loaded !== undefined && loaded !== activity) {
          await this.listener?.activityRecorded(key, sess, deadline);
          markLoadedActivity(marked, activity);
        }
      })
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  /** TTLs follow the record's own deadline, rewritten with the record; nothing to extend here. */
  override touch(_sid: string, _sess: SessionData, callback?: Callback): void {
    callback?.();
  }

  override destroy(sid: string, callback?: Callback): void {
    this.store.destroy(this.hasher.storageKey(sid)).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override createSession(req: Parameters<session.Store['createSession']>[0], sess: SessionData): session.Session & SessionData {
    const created = super.createSession(req, sess);
    Object.defineProperty(created, PERSISTED, { value: true, enumerable: false, configurable: true });
    markLoadedActivity(created, activityOf(sess, sessionDeadline(sess, this.options)));
    return created;
  }
}

function activityOf(sess: Partial<SessionData>, deadline: number): string {
  return `${sess.meta?.lastSeenAt ?? ''}/${deadline}`;
}

function markLoadedActivity(sess: object, activity: string): void {
  Object.defineProperty(sess, LOADED_ACTIVITY, { value: activity, enumerable: false, configurable: true, writable: true });
}

/** The stored form: everything but express-session's cookie, which is rebuilt from options. */
function toRecord(sess: SessionData): StoredSession {
  const { cookie: _cookie, ...rest } = sess;
  return rest as unknown as StoredSession;
}
