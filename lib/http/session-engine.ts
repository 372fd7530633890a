import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { activityOf, type SessionRepository } from '../store/session-repository.js';
import { describeError } from '../errors/describe-error.js';
import { expireSessionCookie, sessionCookieFor } from './cookie-policy.js';
import { ExpressStoreAdapter } from './express-store.adapter.js';
import { installRequestAccessors, openRequestSession, RequestSessionState, type SessionResponder } from './request-session-state.js';
import { hookResponse, installResponseHooks } from './response-hooks.js';
import { sessionDeadline } from './session-deadline.js';
import { SignedSessionCookie } from './signed-session-cookie.js';
import { randomText } from '../util/random-text.js';

export type EngineOptions = Pick<ResolvedSessionOptions, 'secrets' | 'cookie' | 'idleTimeout' | 'absoluteTimeout'>;

/** Session IDs: 24 random bytes (192 bits), 32 base64url characters, as express-session's default. */
const SESSION_ID_BYTES = 24;

/**
 * The request path of the session, top to bottom: read the cookie and verify its signature
 * ({@link open}), load the record (SessionRepository) into `req.session`, and as the response
 * goes out send the cookie if the ID changed ({@link beforeHeaders}) and write the record if it
 * changed ({@link commit}), before the response ends. The checks between load and handler
 * (deadlines, binding, rotation, activity) are SessionChecks'; SessionMiddleware runs both.
 *
 * Everything about the request's session is in its RequestSessionState. `req.session` is an
 * express-session Session (so its methods and the SessionData typing work as documented), built
 * by ExpressStoreAdapter; no express-session middleware runs. The module never resaves, never
 * saves uninitialised sessions, never rolls the cookie and never touches: a response without a
 * change costs no store write (change detection: session-snapshot.ts).
 *
 * The cookie policy (see cookie-policy.ts): a browser-session cookie sent only when the ID
 * changes, expired when a session ends during the request, and never touched by a response to
 * a request that found the store down.
 */
export class SessionEngine implements SessionResponder {
  private readonly logger = new Logger('SessionModule');
  private readonly signer: SignedSessionCookie;
  /** express-session's Store as `req.sessionStore`, and the builder of `req.session`. */
  protected readonly adapter: ExpressStoreAdapter;

  constructor(
    protected readonly options: EngineOptions,
    readonly repository: SessionRepository,
  ) {
    this.signer = new SignedSessionCookie(options.secrets);
    this.adapter = new ExpressStoreAdapter(this, options);
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
    const state = new RequestSessionState(req, cookieId, this.adapter, this);
    openRequestSession(req, state);
    hookResponse(res);
    if (cookieId === undefined) {
      this.startNewSession(req, state);
      state.opened();
      return undefined;
    }
    return this.repository.load(cookieId).then(
      (loaded) => {
        if (!loaded) this.startNewSession(req, state);
        else {
          this.adapter.buildSession(req, loaded.data);
          state.version = {
            persisted: true,
            storageKey: loaded.storageKey,
            activity: activityOf(loaded.data, sessionDeadline(loaded.data, this.options)),
          };
          if (loaded.storageKey !== undefined) state.markGrace();
        }
        state.opened();
      },
      (err: unknown) => {
        this.logger.error(`session store failed while loading a session: ${describeError(err)}`);
        state.storeUnavailable = true;
        // Without an ID, nothing at the end of the response can destroy the session the store
        // holds (healthy, as far as anyone knows) once it answers again.
        state.sessionID = undefined;
      },
    );
  }

  /** A new, empty session under a new random ID on `req`; not stored until something is written to it. */
  startNewSession(req: Request, state: RequestSessionState): void {
    state.renewed(randomText(SESSION_ID_BYTES));
    this.adapter.buildSession(req, {});
  }

  /** Writes the request's session now (SessionService.save, after an ID change, the response's end). */
  persist(req: Request, state: RequestSessionState): Promise<void> {
    const id = state.sessionID;
    if (id === undefined || !req.session) return Promise.resolve();
    return this.repository.save(id, req.session, sessionDeadline(req.session, this.options), state.version);
  }

  /** At the end of the response: saves a changed session, or deletes one the app unset. */
  commit(req: Request, state: RequestSessionState): Promise<void> | undefined {
    if (!state.isOpen || state.storeUnavailable) return undefined;
    if (!req.session) {
      // `req.session = null` by the app ends the session (express-session's `unset: 'destroy'`).
      // SessionService.destroy() has already deleted it and cleared the ID.
      if (state.sessionID === undefined) return undefined;
      return this.settle(state, this.repository.remove(state.sessionID));
    }
    if (!state.changed(req.session)) return undefined;
    return this.settle(state, this.persist(req, state));
  }

  /** A failed end-of-response write is logged; the response goes out without a new cookie. */
  private settle(state: RequestSessionState, operation: Promise<void>): Promise<void> {
    return operation.catch((err: unknown) => {
      this.logger.error(`session store failed while saving a session: ${describeError(err)}`);
      state.storeUnavailable = true;
    });
  }

  beforeHeaders(req: Request, res: Response, state: RequestSessionState): void {
    if (!state.isOpen || !req.session) return;
    if (state.storeUnavailable) {
      // A session the store could not keep must not replace the one the browser holds.
      delete (req as { session?: unknown }).session;
      state.sessionID = undefined;
      return;
    }
    const action = state.cookieAction(req.session);
    if (!action) return;
    const attributes = sessionCookieFor(req, this.options);
    // As express-session: a Secure cookie is never sent in a response over plain HTTP.
    if (attributes.secure && !req.secure) return;
    if (action === 'set') res.cookie(this.options.cookie.name, this.signer.sign(state.sessionID!), attributes);
    else expireSessionCookie(req, res, this.options);
  }
}
