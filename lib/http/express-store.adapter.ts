import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import session, { type CookieOptions, type SessionData } from 'express-session';
import { MemorySessionStore } from '../store/memory-session.store.js';
import { RedisSessionStore } from '../store/redis-session.store.js';
import type { SessionIdHasher } from '../store/session-id-hasher.js';
import type { SessionStore, StoredSession } from '../store/session-store.interface.js';
import { forwardKey, liveForward, storedForward, toForwardRecord } from './rotation/rotation-forward.js';
import { withTimeout } from '../store/store-timeout.js';
import { sessionCookieOptions } from './cookie-policy.js';
import { markGraceRequest, takeKeepPreviousId } from './rotation/rotation-grace.js';
import { sessionDeadline } from './session-deadline.js';
import { isStoreUnavailable } from './store-availability.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';

type Callback = (err?: unknown, data?: unknown) => void;

/** Marks a Session object that exists in the store, so its next save is a conditional update. */
const PERSISTED = Symbol('nest-secure-session.persisted');
/** The storage key a session was loaded from when it is not the hash of the request's ID (rotation grace). */
const STORAGE_KEY = Symbol('nest-secure-session.storage-key');
/** lastSeenAt and deadline of a loaded session, so a save can tell whether activity moved them. */
const LOADED_ACTIVITY = Symbol('nest-secure-session.loaded-activity');
/**
 * The record a Session object was last written as. express-session saves a regenerated session
 * again when the response ends: it re-wraps save() only on sessions it loaded or generated
 * itself, so it never sees the explicit save that login and MFA make after regenerate().
 */
const WRITTEN = Symbol('nest-secure-session.written');

type Marked = { [PERSISTED]?: boolean; [STORAGE_KEY]?: string; [LOADED_ACTIVITY]?: string; [WRITTEN]?: string };

/** express-session's constructors as its code has them (its typings declare neither). */
const CookieClass = session.Cookie as unknown as new (options: CookieOptions) => session.Cookie;
const SessionClass = session.Session as unknown as new (req: Request, data: SessionData) => session.Session & SessionData;

type AdapterOptions = Pick<ResolvedSessionOptions, 'idleTimeout' | 'absoluteTimeout' | 'storeTimeout' | 'cookie'>;

/**
 * Told after a stored session was rewritten with new activity (lastSeenAt, written at a
 * throttled rate, and the deadline that follows it), so what mirrors the record (the per-user
 * session index) can follow. A rejection fails the save.
 */
export interface SessionActivityListener {
  activityRecorded(storageKey: string, sess: SessionData, deadline: number): Promise<void>;
}

/**
 * Shortest life of a rotation claim or forward record: with a short (or no) grace period it
 * still stops parallel rotations and lets a logout with the old ID find the new session.
 */
const MIN_FORWARD_MS = 5_000;

/** Session IDs: 24 random bytes (192 bits), 32 base64url characters, as express-session's default. */
const SESSION_ID_BYTES = 24;

/**
 * The express-session Store behind every request's session (see SessionEngine), between
 * express-session's Session objects and a {@link SessionStore}:
 * hashes IDs into storage keys, derives the TTL from the session's own deadline, turns saves
 * into conditional writes (create for new sessions, update for loaded ones), follows rotation
 * forwards during their grace period, and bounds every operation by `storeTimeout`.
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
    private readonly options: AdapterOptions,
    private readonly listener?: SessionActivityListener,
  ) {
    super();
    // As express-session's createSession builds it from a record without a cookie; what a
    // response sends is decided per request (SessionEngine, with `secure: 'auto'` resolved).
    this.cookieTemplate = new CookieClass(sessionCookieOptions(options));
    this.cookieTemplate.originalMaxAge = undefined as unknown as number;
    this.storeBoundsItself =
      store instanceof MemorySessionStore ||
      (store instanceof RedisSessionStore && store.timeoutMs <= options.storeTimeout);
  }

  /** The module's own stores: in memory nothing hangs; the Redis store bounds each command. */
  private readonly storeBoundsItself: boolean;
  /**
   * The Cookie every session starts with. Each session gets its own object inheriting from it
   * (what it sets is its own), instead of express-session running Cookie's constructor and
   * setters for the same attributes on every request.
   */
  private readonly cookieTemplate: session.Cookie;

  /** The stored session of `sid` (following a rotation forward), bounded by `storeTimeout`. */
  fetch(sid: string): Promise<SessionData | null> {
    // Every request's read: a store that bounds its own operations as tightly is not bounded twice.
    return this.storeBoundsItself ? this.read(sid) : this.bounded(this.read(sid), 'read');
  }

  /** Saves `sess` under `sid` (see {@link write}), bounded by `storeTimeout`. */
  persist(sid: string, sess: SessionData): Promise<void> {
    return this.bounded(this.write(sid, sess), 'write');
  }

  /** Deletes the session of `sid` (and what it was rotated into), bounded by `storeTimeout`. */
  discard(sid: string): Promise<void> {
    return this.bounded(this.remove(sid), 'delete');
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.fetch(sid).then(
      (record) => callback(undefined, record),
      (err: unknown) => callback(err),
    );
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    // After a store failure the request answers 503; its end-of-response save would only
    // wait for the same hung store a second time.
    const req = (sess as SessionData & { req?: Request }).req;
    if (req && isStoreUnavailable(req)) return void callback?.();
    this.persist(sid, sess).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.discard(sid).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  /**
   * express-session's regenerate destroys the old ID first. A rotation with a grace period
   * keeps it until the new session is saved and {@link retire} has left a forward behind.
   */
  override regenerate(req: Request, callback: (err?: unknown) => unknown): void {
    const keepPrevious = takeKeepPreviousId(req);
    // A session that was never stored (a first visit logging in) has nothing to destroy.
    const stored = (req.session as (session.Session & Marked) | undefined)?.[PERSISTED] === true;
    if (stored && !keepPrevious) return super.regenerate(req, callback);
    this.generate(req);
    callback();
  }

  /**
   * A new, empty session under a new random ID on `req` (express-session's Store.regenerate
   * calls this too). Not stored until something is written to it.
   */
  generate(req: Request): void {
    req.sessionID = randomBytes(SESSION_ID_BYTES).toString('base64url');
    this.newSession(req, {} as SessionData);
  }

  /** What express-session's Store#createSession does, with the cookie from the template. */
  private newSession(req: Request, sess: SessionData): session.Session & SessionData {
    sess.cookie = Object.create(this.cookieTemplate) as SessionData['cookie'];
    const created = new SessionClass(req, sess);
    req.session = created;
    return created;
  }

  override createSession(req: Request, sess: SessionData): session.Session & SessionData {
    const loadedFrom = (sess as SessionData & Marked)[STORAGE_KEY];
    // The stored record has no cookie: its attributes always come from the options.
    const created = this.newSession(req, sess);
    mark(created, PERSISTED, true);
    markLoadedActivity(created, activityOf(created, sessionDeadline(created, this.options)));
    if (loadedFrom !== undefined) {
      mark(created, STORAGE_KEY, loadedFrom);
      markGraceRequest(req);
    }
    return created;
  }

  /**
   * Claims the rotation of `sid` for one request: the first caller gets true, parallel
   * requests carrying the same ID get false and go on with the old ID (grace).
   */
  async claimRotation(sid: string, graceMs: number): Promise<boolean> {
    const ttl = Math.max(graceMs, MIN_FORWARD_MS);
    const claim = toForwardRecord({ until: Date.now() + graceMs });
    return this.bounded(this.store.set(forwardKey(this.hasher.storageKey(sid)), claim, ttl, 'create'), 'write');
  }

  /**
   * Ends the previous ID of a rotation once the new session is saved: a forward to the new
   * storage key is left for `graceMs`, then the old record is deleted. A stale write to the
   * old key after this fails its update and follows the forward instead of re-creating it.
   *
   * Returns false, and removes the new session, when the old one was ended meanwhile by a
   * parallel request (logout, revoke): a rotation never outlives the session it rotated.
   * The steps are ordered against {@link remove}, which deletes the old key before it reads
   * the forward: whichever interleaving, one of the two sees the other.
   */
  async retire(previousSid: string, newSid: string, graceMs: number, sess: Partial<SessionData>): Promise<boolean> {
    const oldKey = this.hasher.storageKey(previousSid);
    const newKey = this.hasher.storageKey(newSid);
    const key = forwardKey(oldKey);
    const now = Date.now();
    const ttl = Math.max(graceMs, MIN_FORWARD_MS);
    const forward = toForwardRecord({ until: now + graceMs, to: newKey, issuedAt: now });
    return this.bounded(
      (async () => {
        if (!(await this.store.set(key, forward, ttl, 'update'))) await this.store.set(key, forward, ttl, 'create');
        // Rewriting the old key succeeds only if it still exists; the content is this same
        // session, so a parallel read of the old key in between still sees it.
        const alive = await this.store.set(oldKey, toRecord(sess), ttl, 'update');
        if (!alive) {
          await Promise.all([this.store.destroy(newKey), this.store.destroy(key)]);
          return false;
        }
        await this.store.destroy(oldKey);
        return true;
      })(),
      'write',
    );
  }

  private async read(sid: string): Promise<SessionData | null> {
    const key = this.hasher.storageKey(sid);
    const record = await this.store.get(key);
    if (record) return asSessionData(record);
    // Not there: dead, unknown, or rotated moments ago and still inside its grace period.
    const forward = liveForward(await this.store.get(forwardKey(key)), Date.now());
    if (!forward?.to) return null;
    const target = await this.store.get(forward.to);
    if (!target) return null;
    const data = asSessionData(target);
    mark(data, STORAGE_KEY, forward.to);
    return data;
  }

  private async write(sid: string, sess: SessionData): Promise<void> {
    const marked = sess as SessionData & Marked;
    const key = marked[STORAGE_KEY] ?? this.hasher.storageKey(sid);
    const record = toRecord(sess);
    const now = Date.now();
    const ttl = sessionDeadline(sess, this.options, now) - now;
    // An empty session is never stored (its cookie is expired instead, see SessionEngine).
    const empty = Object.keys(record).length === 0;
    if (!marked[PERSISTED]) {
      if (empty || ttl <= 0) return;
      const snapshot = JSON.stringify(record);
      if (await this.store.set(key, record, ttl, 'create')) {
        mark(marked, PERSISTED, true);
        mark(marked, WRITTEN, snapshot);
        // Whoever created it (login, ID change) indexed it with this activity; later changes are news.
        markLoadedActivity(marked, activityOf(sess, now + ttl));
      }
      return;
    }
    if (empty || ttl <= 0) return this.store.destroy(key);
    const snapshot = JSON.stringify(record);
    // The record as this object last wrote it, so the same deadline: writing it again (the
    // end-of-response save after login's or MFA's explicit save) would change nothing.
    if (marked[WRITTEN] === snapshot) return;
    if (await this.store.set(key, record, ttl, 'update')) {
      mark(marked, WRITTEN, snapshot);
      return this.recordActivity(key, marked, now + ttl);
    }
    // The record is gone. After a logout, revoke, expiry or regeneration the write is dropped:
    // that is the point (no resurrection). After a rotation with grace it goes to the new ID.
    const forward = liveForward(await this.store.get(forwardKey(key)), now);
    if (!forward?.to) return;
    const meta = record['meta'];
    const redirected =
      forward.issuedAt !== undefined && meta && typeof meta === 'object' && !Array.isArray(meta)
        ? { ...record, meta: { ...meta, idIssuedAt: forward.issuedAt } }
        : record;
    if (await this.store.set(forward.to, redirected, ttl, 'update')) {
      await this.recordActivity(forward.to, marked, now + ttl);
    }
  }

  /**
   * After an update of a stored session: when its activity (lastSeenAt, deadline) moved since
   * it was loaded, the listener hears of it with the key actually written (the new ID's key
   * when a stale write followed a rotation forward).
   */
  private async recordActivity(key: string, sess: SessionData & Marked, deadline: number): Promise<void> {
    const activity = activityOf(sess, deadline);
    if (!this.listener || sess[LOADED_ACTIVITY] === undefined || sess[LOADED_ACTIVITY] === activity) return;
    await this.listener.activityRecorded(key, sess, deadline);
    markLoadedActivity(sess, activity);
  }

  private async remove(sid: string): Promise<void> {
    const key = this.hasher.storageKey(sid);
    // The old key goes first, the forward is read after: see retire() for why this order.
    await this.store.destroy(key);
    const forward = storedForward(await this.store.get(forwardKey(key)));
    if (!forward) return;
    // Logging out with an ID rotated moments ago ends the session it was rotated into, too.
    await Promise.all([this.store.destroy(forwardKey(key)), ...(forward.to ? [this.store.destroy(forward.to)] : [])]);
  }

  private bounded<T>(operation: Promise<T>, name: string): Promise<T> {
    return withTimeout(operation, this.options.storeTimeout, name);
  }
}

/**
 * The storage key a session was loaded from when it differs from its ID's own: a request with
 * an ID rotated moments ago is served the new ID's record. Undefined otherwise.
 */
export function loadedStorageKey(sess: object): string | undefined {
  return (sess as Marked)[STORAGE_KEY];
}

function mark<K extends keyof Marked>(target: object, key: K, value: NonNullable<Marked[K]>): void {
  Object.defineProperty(target, key, { value, enumerable: false, configurable: true });
}

function activityOf(sess: Partial<SessionData>, deadline: number): string {
  return `${sess.meta?.lastSeenAt ?? ''}/${deadline}`;
}

function markLoadedActivity(sess: object, activity: string): void {
  mark(sess, LOADED_ACTIVITY, activity);
}

/**
 * The stored record as session data: a copy, since createSession gives it its cookie and the
 * store (a custom one may hand out what it keeps) must not see that.
 */
function asSessionData(record: StoredSession): SessionData {
  return { ...record } as unknown as SessionData;
}

/** The stored form: everything but express-session's cookie, which is rebuilt from options. */
function toRecord(sess: Partial<SessionData>): StoredSession {
  const { cookie: _cookie, ...rest } = sess;
  return rest as unknown as StoredSession;
}
