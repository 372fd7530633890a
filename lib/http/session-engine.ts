import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { ExpressStoreAdapter } from './express-store.adapter.js';
import { expireSessionCookie, sessionCookieFor } from './cookie-policy.js';
import { installRequestAccessors, openRequestSession } from './request-session-state.js';
import { hookResponse, installResponseHooks, type ResponseSteps } from './response-hooks.js';
import { matchesSnapshot, takeSnapshot, type SessionSnapshot } from './session-snapshot.js';
import { SignedSessionCookie } from './signed-session-cookie.js';
import { isStoreUnavailable, markStoreUnavailable } from './store-availability.js';
import { describeError } from '../errors/describe-error.js';

type EngineOptions = Pick<ResolvedSessionOptions, 'secrets' | 'cookie'>;
type RequestSession = Request['session'];

/**
 * The request path of the session: reads the signed cookie, loads the session into
 * `req.session` (an express-session Session, so `regenerate`, `save`, `destroy` and `reload`
 * behave as express-session documents), and when the response ends saves it if it changed and
 * sends the cookie if the ID changed.
 *
 * It replaces express-session's middleware, whose generality a fixed policy does not need and
 * every request paid for: the module never resaves, never saves uninitialised sessions, never
 * rolls the cookie and never touches, so the session's JSON need not be hashed twice per request
 * (it is compared with a deep copy taken at load, see session-snapshot.ts), only one cookie is
 * parsed, and no response without a change takes the store's round trip. What express-session defines stays its own: the
 * Session, Cookie and Store classes, `req.session`/`req.sessionID`/`req.sessionStore`, and the
 * cookie format (see SignedSessionCookie).
 *
 * The cookie policy (see cookie-policy.ts): a browser-session cookie sent only when the ID
 * changes, expired when a session ends during the request, and never touched by a response to
 * a request that found the store down.
 */
export class SessionEngine {
  private readonly logger = new Logger('SessionModule');
  private readonly signer: SignedSessionCookie;

  constructor(
    private readonly options: EngineOptions,
    private readonly store: ExpressStoreAdapter,
  ) {
    this.signer = new SignedSessionCookie(options.secrets);
  }

  /**
   * Prepares an Express app's request and response prototypes once, so that a request needs
   * no properties and its response no hooks of its own (see request-session-state.ts and
   * response-hooks.ts). The requests of an app not prepared here get them one by one.
   */
  prepare(app: { request: object; response: object }): void {
    installRequestAccessors(app.request);
    installResponseHooks(app.response);
  }

  /**
   * Puts the request's session on `req`. Returns a promise only when the store must be read
   * (the request carries a validly signed cookie); it never rejects: after a store failure the
   * request has no session and is marked, so that guards answer 503.
   */
  open(req: Request, res: Response): Promise<void> | undefined {
    const cookieId = this.signer.sessionIdFrom(req.headers.cookie, this.options.cookie.name);
    const tracker = new SessionTracker(this, req, cookieId);
    openRequestSession(req, { sessionID: cookieId, sessionStore: this.store as unknown as Request['sessionStore'], steps: tracker });
    hookResponse(res);
    if (cookieId === undefined) {
      this.store.generate(req);
      tracker.opened(req);
      return undefined;
    }
    return this.store.fetch(cookieId).then(
      (stored) => {
        if (stored) this.store.createSession(req, stored);
        else this.store.generate(req);
        tracker.opened(req);
      },
      (err: unknown) => {
        this.logger.error(`session store failed while loading a session: ${describeError(err)}`);
        markStoreUnavailable(req);
        // Without an ID, nothing at the end of the response can destroy the session the store
        // holds (healthy, as far as anyone knows) once it answers again.
        req.sessionID = undefined as unknown as string;
      },
    );
  }

  /** At the end of the response: saves a changed session, or deletes one the app unset. */
  commit(req: Request, tracker: SessionTracker): Promise<void> | undefined {
    if (!tracker.isOpen || isStoreUnavailable(req)) return undefined;
    const session = req.session as RequestSession | undefined;
    if (!session) {
      // `req.session = null` by the app ends the session (express-session's `unset: 'destroy'`).
      // SessionService.destroy() has already deleted it and cleared the ID.
      if (!req.sessionID) return undefined;
      return this.settle(req, this.store.discard(req.sessionID));
    }
    if (!tracker.changed(req, session)) return undefined;
    return this.settle(req, this.store.persist(req.sessionID, session as unknown as SessionData));
  }

  /** A failed end-of-response write is logged; the response goes out without a new cookie. */
  private settle(req: Request, operation: Promise<void>): Promise<void> {
    return operation.catch((err: unknown) => {
      this.logger.error(`session store failed while saving a session: ${describeError(err)}`);
      markStoreUnavailable(req);
    });
  }

  beforeHeaders(req: Request, res: Response, tracker: SessionTracker): void {
    if (!tracker.isOpen || !req.session) return;
    if (isStoreUnavailable(req)) {
      // A session the store could not keep must not replace the one the browser holds.
      req.session = undefined as unknown as RequestSession;
      req.sessionID = undefined as unknown as string;
      return;
    }
    const action = tracker.cookieAction(req, req.session);
    if (!action) return;
    const attributes = sessionCookieFor(req, this.options);
    // As express-session: a Secure cookie is never sent in a response over plain HTTP.
    if (attributes.secure && !req.secure) return;
    if (action === 'set') res.cookie(this.options.cookie.name, this.signer.sign(req.sessionID), attributes);
    else expireSessionCookie(req, res, this.options);
  }
}

/**
 * What the engine remembers of a request's session between loading it and the response, and
 * the engine's steps as that response goes out.
 */
class SessionTracker implements ResponseSteps {
  isOpen = false;
  headersSeen = false;
  ending = false;
  private originalId: string | undefined;
  private snapshot: SessionSnapshot = {};

  constructor(
    private readonly engine: SessionEngine,
    private readonly req: Request,
    private readonly cookieId: string | undefined,
  ) {}

  beforeHeaders(res: Response): void {
    this.engine.beforeHeaders(this.req, res, this);
  }

  beforeEnd(): Promise<void> | undefined {
    return this.engine.commit(this.req, this);
  }

  opened(req: Request): void {
    this.isOpen = true;
    this.originalId = req.sessionID;
    this.snapshot = takeSnapshot(req.session);
  }

  /** True when the session must be written: a new ID, or its content changed since it was loaded. */
  changed(req: Request, session: RequestSession): boolean {
    return req.sessionID !== this.originalId || !matchesSnapshot(session, this.snapshot);
  }

  /**
   * `set` when the session has a new ID (login, MFA, rotation, an anonymous session given
   * data); `expire` when the session the browser holds ended during this request (it is
   * empty now); nothing otherwise, and nothing for an untouched new anonymous session.
   */
  cookieAction(req: Request, session: RequestSession): 'set' | 'expire' | undefined {
    const empty = isEmpty(session);
    if (req.sessionID === this.cookieId) return empty && this.changed(req, session) ? 'expire' : undefined;
    if (!this.changed(req, session)) return undefined;
    if (!empty) return 'set';
    return this.cookieId !== undefined ? 'expire' : undefined;
  }
}

function isEmpty(session: RequestSession): boolean {
  for (const key in session) if (key !== 'cookie') return false;
  return true;
}
