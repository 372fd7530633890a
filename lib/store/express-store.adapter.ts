import session, { type SessionData } from 'express-session';
import type { SessionIdHasher } from './session-id-hasher.js';
import type { SessionStore, StoredSession } from './session-store.interface.js';
import { sessionDeadline } from '../http/session-lifetime.js';
import type { ResolvedSessionOptions } from '../session.options.js';

type Callback = (err?: unknown, data?: unknown) => void;

/** Marks a Session object that exists in the store, so its next save is a conditional update. */
const PERSISTED = Symbol('nest-secure-session.persisted');
/**
 * The record a Session object was last written as. express-session saves a regenerated session
 * again when the response ends: it re-wraps save() only on sessions it loaded or generated
 * itself, so it never sees the explicit save that login and MFA make after regenerate().
 */
const WRITTEN = Symbol('nest-secure-session.written');

type Marked = { [PERSISTED]?: boolean; [WRITTEN]?: string };

type ExpressRequest = Parameters<session.Store['regenerate']>[0];

/**
 * The express-session Store that sits between express-session and a {@link SessionStore}:
 * hashes IDs into storage keys, derives the TTL from the session's own deadline, and turns
 * saves into conditional writes (create for new sessions, update for loaded ones).
 *
 * It deliberately has no `touch()`: TTLs follow the record's own deadline and are rewritten
 * with the record, so there is nothing to extend. With a `touch()`, even an empty one,
 * express-session routes every unmodified response through its write-splitting path (the body
 * copied into a Buffer, written minus its last byte, the last byte written after the touch
 * callback); without one it ends the response directly.
 */
export class ExpressStoreAdapter extends session.Store {
  constructor(
    private readonly store: SessionStore,
    private readonly hasher: SessionIdHasher,
    private readonly options: Pick<ResolvedSessionOptions, 'idleTimeout' | 'absoluteTimeout'>,
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
    const ttl = sessionDeadline(sess, this.options) - Date.now();
    const key = this.hasher.storageKey(sid);
    const record = toRecord(sess);
    const snapshot = ttl > 0 ? JSON.stringify(record) : undefined;
    // Same record, so same deadline: writing it again (one Redis SET per login) changes nothing.
    if (snapshot !== undefined && marked[WRITTEN] === snapshot) {
      callback?.();
      return;
    }
    const write =
      ttl <= 0
        ? this.store.destroy(key).then(() => true)
        : this.store.set(key, record, ttl, marked[PERSISTED] ? 'update' : 'create');
    write.then(
      (written) => {
        // A failed update means the session was destroyed meanwhile (logout, revoke, rotation):
        // dropping the write is the point. The next request with that cookie is anonymous.
        if (written) {
          mark(marked, PERSISTED, true);
          if (snapshot !== undefined) mark(marked, WRITTEN, snapshot);
        }
        callback?.();
      },
      (err: unknown) => callback?.(err),
    );
  }

  /**
   * express-session's regenerate() destroys the old ID first. A session that was never written
   * (every first login: the anonymous session is not saved) has nothing to destroy, so that DEL
   * is skipped; a session that exists in the store is destroyed as before.
   */
  override regenerate(req: ExpressRequest, callback: (err?: unknown) => void): void {
    if ((req.session as (typeof req.session & Marked) | undefined)?.[PERSISTED]) {
      super.regenerate(req, callback);
      return;
    }
    // express-session installs generate() on its store (see @types/express-session).
    (this as unknown as { generate(req: ExpressRequest): void }).generate(req);
    callback();
  }

  override destroy(sid: string, callback?: Callback): void {
    this.store.destroy(this.hasher.storageKey(sid)).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override createSession(req: Parameters<session.Store['createSession']>[0], sess: SessionData): session.Session & SessionData {
    const created = super.createSession(req, sess);
    mark(created as typeof created & Marked, PERSISTED, true);
    return created;
  }
}

function mark<K extends keyof Marked>(target: Marked, key: K, value: NonNullable<Marked[K]>): void {
  Object.defineProperty(target, key, { value, enumerable: false, configurable: true });
}

/** The stored form: everything but express-session's cookie, which is rebuilt from options. */
function toRecord(sess: SessionData): StoredSession {
  const { cookie: _cookie, ...rest } = sess;
  return rest as unknown as StoredSession;
}
