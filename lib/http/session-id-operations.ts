import { Injectable, Optional } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { SessionDevicesService } from '../devices/session-devices.service.js';
import { SessionStoreUnavailableException, UnauthenticatedException } from '../errors/session.exceptions.js';
import { ExpressStoreAdapter } from './express-store.adapter.js';
import { keepPreviousIdOnce } from './rotation/rotation-grace.js';
import { isStoreUnavailable, storeOperation } from './store-availability.js';

/** What a session carries from one ID to the next. */
export type CarriedSessionState = Pick<SessionData, 'auth' | 'meta' | 'data' | 'mfaEnrollment'>;

/**
 * The session-ID operations both the app API (SessionService: login, MFA, logout) and the
 * request checks (timeouts, binding, rotation) need: a new ID with the old one killed, a
 * rotation with a grace period, the end of a session, an explicit save. It sits below both,
 * so the request path never calls up into the app-facing service.
 */
@Injectable()
export class SessionIdOperations {
  constructor(@Optional() private readonly devices?: SessionDevicesService) {}

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

  /** Writes the session now (instead of when the response ends). */
  async save(req: Request): Promise<void> {
    const session = requireSession(req);
    await settleStoreCallback(req, (done) => session.save(done));
  }

  /** Without `previousIdGrace` the previous ID is destroyed first (login, MFA: fixation-safe). */
  private async renew(req: Request, state: Partial<CarriedSessionState>, previousIdGrace: number | undefined): Promise<void> {
    requireSession(req);
    const indexed = this.devices?.identify(req);
    const previousId = req.sessionID;
    const rotation = previousIdGrace !== undefined;
    if (rotation) keepPreviousIdOnce(req);
    await settleStoreCallback(req, (done) => req.session.regenerate(done));
    Object.assign(req.session, withoutUndefined(state));
    // Rotation counts from here; meta (and with it the device handle) is otherwise carried as it is.
    if (req.session.meta) req.session.meta = { ...req.session.meta, idIssuedAt: Date.now() };
    await this.save(req);
    // The device index follows the new storage key (same handle) or gains the new session (login),
    // before a rotation ends the previous ID: an index failure leaves the session on its old ID.
    if (this.devices && !(await this.devices.regenerated(req, indexed))) {
      // Revoked while its ID was changing. A rotation has not ended the previous ID yet.
      if (rotation) await settleStoreCallback(req, (done) => req.sessionStore.destroy(previousId, done));
      return this.signedOutMeanwhile(req);
    }
    if (rotation && req.sessionStore instanceof ExpressStoreAdapter) {
      const retired = await storeOperation(
        req,
        req.sessionStore.retire(previousId, req.sessionID, previousIdGrace!, req.session),
      );
      if (!retired) return this.signedOutMeanwhile(req);
    }
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

/** What the request's session carries to a new ID. */
export function carriedState(req: Request): CarriedSessionState {
  const { auth, meta, data, mfaEnrollment } = req.session;
  return { auth, meta, data, mfaEnrollment } as CarriedSessionState;
}

/** The request's session; 503 while the store is unavailable, a clear error without SessionModule. */
export function requireSession(req: Request): Request['session'] {
  if (isStoreUnavailable(req)) throw new SessionStoreUnavailableException();
  if (!req.session) {
    throw new Error('SessionService: no session on this request; is SessionModule imported and the route served by Nest?');
  }
  return req.session;
}

/** Runs an express-session callback operation; a store failure becomes 503 (see storeOperation). */
export function settleStoreCallback(req: Request, operation: (done: (err?: unknown) => void) => void): Promise<void> {
  return storeOperation(req, new Promise<void>((resolve, reject) => operation((err) => (err ? reject(err) : resolve()))));
}

export function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
