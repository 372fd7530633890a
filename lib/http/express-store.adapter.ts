import type { Request } from 'express';
import session, { type CookieOptions, type SessionData } from 'express-session';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { sessionCookieOptions } from './cookie-policy.js';
import { sessionStateOf, type RequestSessionState } from './request-session-state.js';
import type { SessionEngine } from './session-engine.js';

type Callback = (err?: unknown, data?: unknown) => void;

/**
 * express-session's constructors as its code has them: its typings declare neither
 * constructor, so these two casts are the only way to build its objects.
 */
const CookieClass = session.Cookie as unknown as new (options: CookieOptions) => session.Cookie;
const SessionClass = session.Session as unknown as new (req: Request, data: Partial<SessionData>) => session.Session & SessionData;

/**
 * express-session's side of `req.session`: builds the Session objects the app reads and
 * writes, and is the `req.sessionStore` their own methods call (`req.session.save(cb)`,
 * `destroy(cb)`, `regenerate(cb)`, `reload(cb)`). Nothing in the module calls these callback
 * methods: they are a facade over the same promise operations (SessionEngine,
 * SessionRepository) for apps that use express-session's API directly.
 *
 * It has no `touch()`: TTLs follow the record's own deadline and are rewritten with the
 * record, so there is nothing to extend.
 */
export class ExpressStoreAdapter extends session.Store {
  /**
   * The Cookie every session starts with. Each session gets its own object inheriting from it
   * (what it sets is its own), instead of express-session running Cookie's constructor and
   * setters for the same attributes on every request.
   */
  private readonly cookieTemplate: session.Cookie;

  constructor(
    private readonly engine: SessionEngine,
    options: Pick<ResolvedSessionOptions, 'cookie'>,
  ) {
    super();
    // As express-session's createSession builds it from a record without a cookie; what a
    // response sends is decided per request (SessionEngine, with `secure: 'auto'` resolved).
    this.cookieTemplate = new CookieClass(sessionCookieOptions(options));
    Object.assign(this.cookieTemplate, { originalMaxAge: undefined });
  }

  /** Puts a Session holding `data` (a record as loaded, or `{}`) on `req` as `req.session`. */
  buildSession(req: Request, data: Partial<SessionData>): session.Session & SessionData {
    // The stored record has no cookie: its attributes always come from the options.
    data.cookie = Object.create(this.cookieTemplate) as SessionData['cookie'];
    const created = new SessionClass(req, data);
    req.session = created;
    return created;
  }

  override createSession(req: Request, data: SessionData): session.Session & SessionData {
    // express-session's Session#reload builds the session again from what get() read.
    const state = sessionStateOf(req);
    if (state) state.version = { persisted: true };
    return this.buildSession(req, data);
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.engine.repository.load(sid).then(
      (loaded) => callback(undefined, loaded?.data ?? null),
      (err: unknown) => callback(err),
    );
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    const req = (sess as SessionData & { req?: Request }).req;
    const state = req && sessionStateOf(req);
    // A save of an ID the request no longer has (it was regenerated or destroyed) is dropped:
    // its record is gone, and must stay gone. After a store failure the request answers 503.
    if (!req || !state || state.sessionID !== sid || state.storeUnavailable) return void callback?.();
    this.engine.persist(req, state).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.engine.repository.remove(sid).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  /** express-session's hook for a new session on `req` (its own regenerate calls it; ours replaces that). */
  generate(req: Express.Request): void {
    const request = req as Request;
    const state = sessionStateOf(request);
    if (state) this.engine.startNewSession(request, state);
  }

  /** Fixation-safe, as express-session's: the stored session of the old ID is removed first. */
  override regenerate(req: Request, callback: (err?: unknown) => unknown): void {
    const state = sessionStateOf(req);
    if (!state) return void callback(new Error('SessionModule: this request has no session state.'));
    this.regenerateFor(req, state).then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  private async regenerateFor(req: Request, state: RequestSessionState): Promise<void> {
    if (state.version.persisted && state.sessionID !== undefined) await this.engine.repository.remove(state.sessionID);
    this.engine.startNewSession(req, state);
  }
}
