import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { SessionEventEmitter } from '../events/session-event-emitter.js';
import { describeError } from '../errors/describe-error.js';
import { expireSessionCookie, sessionCookieFor, type SessionCookieAttributes } from '../http/cookie-policy.js';
import { openRequestSession, RequestSessionState, requestIp, sessionStateOf } from '../http/request-session-state.js';
import { hookResponse } from '../http/response-hooks.js';
import { sessionDeadline } from '../http/session-deadline.js';
import { SessionEngine, type EngineOptions } from '../http/session-engine.js';
import { rawCookieValue } from '../http/signed-session-cookie.js';
import type { DenyListRepository } from './deny-list-repository.js';
import { MAX_COOKIE_BYTES, type SealedCookieCodec } from './sealed-cookie-codec.js';
import { SessionTooLargeException } from './session-too-large.exception.js';

/**
 * The request path of sealed-cookie sessions: the same steps as SessionEngine, with the record
 * read from and written into the cookie instead of a store.
 *
 * - open: the cookie is opened (SealedCookieCodec: key, cookie name, deadline), then its
 *   session ID is looked up on the deny list (one read; none without a valid cookie). A cookie
 *   that does not open, or whose ID is denied, gives an empty anonymous session, never an error.
 *   An ID denied from a future moment (a rotation's grace period) is served as a grace request;
 *   an authenticated cookie whose ID is denied raises `session.replayed`.
 * - beforeHeaders: a new cookie whenever the record changed, not only its ID (the idle
 *   deadline moves with lastSeenAt, written at the throttled rate as for the stores).
 * - save/regenerate (persist): nothing is stored, but a record too large for a cookie is a 500
 *   (SessionTooLargeException) right where the app wrote it.
 * - commit: only `req.session = null` has something to do (deny the ID).
 *
 * The checks after open (deadlines, binding, rotation) are SessionChecks', unchanged.
 */
export class SealedSessionEngine extends SessionEngine {
  private readonly log = new Logger('SessionModule');

  constructor(
    options: EngineOptions,
    override readonly repository: DenyListRepository,
    private readonly codec: SealedCookieCodec,
    private readonly events: SessionEventEmitter,
  ) {
    super(options, repository);
  }

  override open(req: Request, res: Response): Promise<void> | undefined {
    const raw = rawCookieValue(req.headers.cookie, this.options.cookie.name);
    if (raw === undefined) {
      this.openAnonymous(req, res);
      return undefined;
    }
    return this.codec.open(raw).then(async (opened) => {
      if (typeof opened === 'string') return void this.openAnonymous(req, res);
      let deniedFrom: number | undefined;
      try {
        deniedFrom = await this.repository.deniedFrom(opened.sid);
      } catch (err) {
        this.log.error(`sealed-cookie deny list failed while opening a session: ${describeError(err)}`);
        const state = this.openState(req, res, undefined);
        state.storeUnavailable = true;
        state.sessionID = undefined;
        return;
      }
      if (deniedFrom !== undefined && deniedFrom <= Date.now()) {
        if (opened.data.auth) this.reportReplay(req, opened.data);
        return void this.openAnonymous(req, res);
      }
      const state = this.openState(req, res, opened.sid);
      this.adapter.buildSession(req, opened.data);
      state.version = { persisted: true };
      if (deniedFrom !== undefined) state.markGrace();
      state.opened();
    }).catch((err: unknown) => {
      // Never a rejection: the middleware awaits this promise and nothing would answer the request.
      this.log.error(`a sealed session could not be opened: ${describeError(err)}`);
      if (!sessionStateOf(req)) this.openAnonymous(req, res);
    });
  }

  /** Nothing to store; a record that cannot fit a cookie is refused where the app wrote it. */
  override persist(req: Request, state: RequestSessionState): Promise<void> {
    if (state.sessionID === undefined || !req.session) return Promise.resolve();
    const bytes = this.sealed(req, state).bytes;
    return bytes > MAX_COOKIE_BYTES ? Promise.reject(new SessionTooLargeException(bytes)) : Promise.resolve();
  }

  /** `req.session = null` denies the ID (SessionEngine's commit); any other change is the cookie's. */
  override commit(req: Request, state: RequestSessionState): Promise<void> | undefined {
    return req.session ? undefined : super.commit(req, state);
  }

  override beforeHeaders(req: Request, res: Response, state: RequestSessionState): void {
    const session = req.session;
    if (!state.isOpen || !session || state.storeUnavailable) return super.beforeHeaders(req, res, state);
    if (state.isGrace) return;
    const action = state.cookieAction(session) ?? (state.changed(session) && !isEmpty(session) ? 'set' : undefined);
    if (!action) return;
    const attributes = sessionCookieFor(req, this.options);
    if (attributes.secure && !req.secure) return;
    if (action === 'expire') return expireSessionCookie(req, res, this.options);
    const { value, bytes } = this.sealed(req, state, attributes);
    if (bytes > MAX_COOKIE_BYTES) {
      // Too late for a 500 (the head is being written): the browser keeps its previous cookie.
      this.log.error(
        `a sealed session cookie would be ${bytes} bytes (more than ${MAX_COOKIE_BYTES}); it was not sent and the change is lost. ` +
          'Keep less in the session, or call SessionService.save() after writing to it to answer 500 there.',
      );
      return;
    }
    res.cookie(this.options.cookie.name, value, attributes);
  }

  /** The request's session sealed, and the size of its Set-Cookie (name, value, attributes). */
  private sealed(req: Request, state: RequestSessionState, attributes = sessionCookieFor(req, this.options)): { value: string; bytes: number } {
    const { cookie: _cookie, ...data } = req.session;
    const value = this.codec.seal({ sid: state.sessionID!, exp: sessionDeadline(req.session, this.options), data });
    return { value, bytes: setCookieBytes(this.options.cookie.name, value, attributes) };
  }

  /** The subject is the ended session's (the request's own session is the new anonymous one). */
  private reportReplay(req: Request, data: Partial<SessionData>): void {
    this.events.emit({
      type: 'session.replayed',
      userId: textOrUndefined(data.auth?.user?.id),
      handle: textOrUndefined(data.meta?.handle),
      ip: requestIp(req),
      userAgent: req.get('user-agent'),
      timestamp: Date.now(),
    });
  }

  private openAnonymous(req: Request, res: Response): void {
    const state = this.openState(req, res, undefined);
    this.startNewSession(req, state);
    state.opened();
  }

  private openState(req: Request, res: Response, id: string | undefined): RequestSessionState {
    const state = new RequestSessionState(req, id, this.adapter, this);
    openRequestSession(req, state);
    hookResponse(res);
    return state;
  }
}

/** `name=value; Path=/; HttpOnly; Secure; SameSite=Lax`, counted as browsers count it. */
function setCookieBytes(name: string, value: string, attributes: SessionCookieAttributes): number {
  const sameSite = `; SameSite=${attributes.sameSite[0]!.toUpperCase()}${attributes.sameSite.slice(1)}`;
  return name.length + 1 + value.length + '; Path=/'.length + '; HttpOnly'.length + (attributes.secure ? '; Secure'.length : 0) + sameSite.length;
}

function textOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isEmpty(session: Request['session']): boolean {
  for (const key in session) if (key !== 'cookie') return false;
  return true;
}
