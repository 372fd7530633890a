import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { SessionDevicesService } from '../devices/session-devices.service.js';
import { SessionStoreUnavailableException, UnauthenticatedException } from '../errors/session.exceptions.js';
import { RESOLVED_SESSION_OPTIONS, SESSION_ENGINE } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { mayHaveRotated } from '../rotation/rotation-due.js';
import { sessionStateOf, type RequestSessionState } from './request-session-state.js';
import type { SessionEngine } from './session-engine.js';
import { storeOperation } from './store-availability.js';

/**
 * What a session carries from one ID to the next: everything it holds (the module's fields and
 * any an app declared on SessionData), never the cookie, which is rebuilt from the options.
 */
export type CarriedSessionState = Omit<SessionData, 'cookie'>;

/**
 * The session-ID operations both the app API (SessionService: login, MFA, logout) and the
 * request checks (timeouts, binding, rotation) need: a new ID with the old one killed, a
 * rotation with a grace period, the end of a session, an explicit save. It sits below both,
 * so the request path never calls up into the app-facing service.
 */
@Injectable()
export class SessionIdOperations {
  constructor(
    @Inject(SESSION_ENGINE) private readonly engine: SessionEngine,
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: Pick<ResolvedSessionOptions, 'rotateInterval'>,
    @Optional() private readonly devices?: SessionDevicesService,
  ) {}

  /**
   * Issues a new session ID and kills the old one in the store (fixation-safe). By default
   * everything the session held moves to the new ID; pass `state` to replace it. A store
   * failure rejects with SessionStoreUnavailableException (503).
   */
  async regenerate(req: Request, state: Partial<CarriedSessionState> = carriedState(req)): Promise<void> {
    return this.renew(req, state, undefined);
  }

  /**
   * Rotation instead of a privilege change: the previous ID is ended only after the new
   * session is saved, and keeps serving the new session for `previousIdGrace` milliseconds
   * (0: ends at once). If a parallel request ends the session meanwhile (logout, revoke), the
   * rotation is undone and the request goes on with an empty anonymous session. Only the
   * module's rotation calls it, after it claimed the rotation in the store.
   */
  async rotateId(req: Request, previousIdGrace: number): Promise<void> {
    return this.renew(req, carriedState(req), previousIdGrace);
  }

  /** Ends the session and goes on with a fresh, empty anonymous one (not stored unless written to). */
  async terminate(req: Request): Promise<void> {
    await this.regenerate(req, {});
  }

  /**
   * Removes the session from the store; the request goes on without one (`req.session` and
   * `req.sessionID` undefined), and nothing is written or removed again when the response ends.
   */
  async destroy(req: Request): Promise<void> {
    const state = requireSessionState(req);
    await storeOperation(req, this.engine.repository.remove(state.sessionID!));
    delete (req as { session?: unknown }).session;
    state.sessionID = undefined;
  }

  /** Writes the session now (instead of when the response ends). */
  async save(req: Request): Promise<void> {
    const state = requireSessionState(req);
    await storeOperation(req, this.engine.persist(req, state));
  }

  /**
   * A new ID carrying `carried`. Without `previousIdGrace` (login, MFA: fixation-safe) the
   * previous ID's record is removed, the new one written and the device index told, all at
   * once: the new record is the only one holding the new privileges and its ID reaches no one
   * before all three succeeded, so their order does not matter, and a login costs one round
   * trip of the store instead of three. A rotation keeps its order (see rotateId).
   */
  private async renew(req: Request, carried: Partial<CarriedSessionState>, previousIdGrace: number | undefined): Promise<void> {
    const state = requireSessionState(req);
    const indexed = this.devices?.identify(req);
    const previousId = state.sessionID!;
    const removePrevious = previousIdGrace === undefined && state.version.persisted;
    // Most logins and MFA steps end an ID younger than the rotation interval: a plain delete.
    const neverRotated = !mayHaveRotated(req.session.meta, state.version.storageKey !== undefined, this.options, Date.now());
    this.engine.startNewSession(req, state);
    Object.assign(req.session, withoutUndefined(carried));
    // Rotation counts from here; meta (and with it the device handle) is otherwise carried as it is.
    if (req.session.meta) req.session.meta = { ...req.session.meta, idIssuedAt: Date.now() };
    if (previousIdGrace !== undefined) return this.rotate(req, state, previousId, indexed, previousIdGrace);

    const outcomes = await Promise.allSettled([
      removePrevious ? storeOperation(req, this.engine.repository.remove(previousId, neverRotated)) : undefined,
      this.save(req),
      this.devices ? storeOperation(req, this.devices.regenerated(req, indexed)) : true,
    ]);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      // A new record nobody will hold the ID of: removed, best effort (it would only expire).
      if (outcomes[1].status === 'fulfilled') await this.engine.repository.remove(state.sessionID!).catch(() => undefined);
      throw failed.reason;
    }
    // Revoked while its ID was changing: the new record must not outlive that.
    if (outcomes[2].status === 'fulfilled' && outcomes[2].value === false) return this.signedOutMeanwhile(req);
  }

  /**
   * The new session is saved, then the device index follows it to the new storage key (same
   * handle), and only then the previous ID is retired (forward left for the grace period): an
   * index failure leaves the session on its old ID.
   */
  private async rotate(
    req: Request,
    state: RequestSessionState,
    previousId: string,
    indexed: ReturnType<SessionDevicesService['identify']>,
    previousIdGrace: number,
  ): Promise<void> {
    await this.save(req);
    if (this.devices && !(await storeOperation(req, this.devices.regenerated(req, indexed)))) {
      // Revoked while its ID was changing: the previous ID has not been retired yet.
      await storeOperation(req, this.engine.repository.remove(previousId));
      return this.signedOutMeanwhile(req);
    }
    const retiring = this.engine.repository.retire(previousId, state.sessionID!, previousIdGrace, req.session);
    if (!(await storeOperation(req, retiring))) return this.signedOutMeanwhile(req);
  }

  /**
   * An ID change found its session ended by a parallel request (logout, revoke): whatever the
   * change made is undone, the request goes on anonymous, and the caller gets 401.
   */
  private async signedOutMeanwhile(req: Request): Promise<never> {
    await this.terminate(req);
    throw new UnauthenticatedException('This session was signed out.');
  }
}

/** What the request's session carries to a new ID: all of it but the cookie. */
export function carriedState(req: Request): Partial<CarriedSessionState> {
  // `id` is express-session's (not enumerable, never copied); named only to keep it out of the type.
  const { cookie: _cookie, id: _id, ...carried } = req.session;
  return carried;
}

/**
 * The request's session state, with a session on the request; 503 while the store is
 * unavailable, a clear error without SessionModule.
 */
export function requireSessionState(req: Request): RequestSessionState {
  const state = sessionStateOf(req);
  if (state?.storeUnavailable) throw new SessionStoreUnavailableException();
  if (!state || !req.session || state.sessionID === undefined) {
    throw new Error('SessionService: no session on this request; is SessionModule imported and the route served by Nest?');
  }
  return state;
}

/** The request's session (see {@link requireSessionState}). */
export function requireSession(req: Request): Request['session'] {
  requireSessionState(req);
  return req.session;
}

export function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
