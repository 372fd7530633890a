import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ActiveSession } from './devices/active-session.interface.js';
import { SessionDevicesService } from './devices/session-devices.service.js';
import { SessionEventEmitter } from './events/session-event-emitter.js';
import type { LoginFailureReason } from './events/session.event.js';
import { SessionStoreUnavailableException, UnauthenticatedException } from './errors/session.exceptions.js';
import { MAX_USER_AGENT_LENGTH } from './http/client-binding.js';
import { expireSessionCookie } from './http/cookie-policy.js';
import { describeSession } from './http/current-session-info.js';
import { isStoreUnavailable } from './http/store-availability.js';
import { hasSecondFactor } from './mfa/second-factors.js';
import { RESOLVED_SESSION_OPTIONS } from './session.internal-constants.js';
import { SessionMonitor } from './monitoring/session-monitor.js';
import type { ResolvedSessionOptions } from './options/resolved-session-options.js';
import type { CurrentSessionInfo, JsonValue, SessionAuthState, SessionMeta, SessionUser } from './session.types.js';
import {
  carriedState,
  requireSession,
  SessionIdOperations,
  withoutUndefined,
  type CarriedSessionState,
} from './http/session-id-operations.js';
import { newDeviceHandle } from './devices/device-handle.js';
import { requestIp } from './http/request-session-state.js';

export interface LoginOptions {
  /**
   * Keys of the pre-login session's app data to carry into the new session. Nothing else
   * survives the login: the old session is destroyed.
   * @default []
   */
  carry?: string[];
}

/** The result of a login: where the session stands. */
export interface LoginResult {
  session: CurrentSessionInfo;
  /** `required`: the user must pass the TOTP step before anything but it and logout. */
  mfa: 'none' | 'required';
}

/** What the app knows about a refused login (see {@link SessionService.recordLoginFailure}). */
export interface LoginFailure {
  reason: LoginFailureReason;
  /** The account the attempt named, when the app found one. */
  userId?: string;
  /** The username as typed; kept to {@link MAX_EVENT_USERNAME_LENGTH} characters. Never pass the password. */
  username?: string;
}

/** A username longer than this is cut in events: a login form is no way to fill the logs. */
const MAX_EVENT_USERNAME_LENGTH = 256;
const LOGIN_FAILURE_REASONS: ReadonlySet<string> = new Set<LoginFailureReason>([
  'invalid_credentials',
  'throttled',
  'account_locked',
  'account_disabled',
]);

/** Headers that make a browser drop everything the site stored (logout). */
const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';

/**
 * The Promise API apps call for sessions: read and write data, fixation-safe login, MFA
 * completion, logout. Security fields (auth, meta) are written here only.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly ids: SessionIdOperations,
    @Optional() private readonly devices?: SessionDevicesService,
    @Optional() private readonly events?: SessionEventEmitter,
    @Optional() private readonly monitor?: SessionMonitor,
  ) {}

  /** The authenticated session, or undefined when anonymous. */
  current(req: Request): CurrentSessionInfo | undefined {
    return describeSession(req);
  }

  /** App data stored in the session under `key`. */
  get<T extends JsonValue = JsonValue>(req: Request, key: string): T | undefined {
    return req.session?.data?.[key] as T | undefined;
  }

  /** Stores app data; saved when the response ends (or by {@link save}). */
  set(req: Request, key: string, value: JsonValue): void {
    const session = requireSession(req);
    session.data = { ...session.data, [key]: value };
    if (!session.meta) session.meta = newMeta(req);
  }

  /** Removes app data under `key`. */
  unset(req: Request, key: string): void {
    const data = req.session?.data;
    if (data && key in data) {
      const { [key]: _removed, ...rest } = data;
      req.session.data = rest;
    }
  }

  /**
   * Fixation-safe login: the current session ID dies in the store, a new one is issued with
   * only `options.carry` keys of app data, and the session is saved before this resolves.
   * Users with a second factor (TOTP or a passkey) come out `pending` until {@link completeMfa}.
   */
  async login(req: Request, user: SessionUser, options: LoginOptions = {}): Promise<LoginResult> {
    if (!user || typeof user.id !== 'string' || user.id.length === 0) {
      throw new TypeError('SessionService.login: user.id must be a non-empty string');
    }
    const session = requireSession(req);
    await this.devices?.assertCanLogin(req, user.id);
    const carried = pick(session.data, options.carry ?? []);
    const mfaRequired = await hasSecondFactor(this.options, user.id);
    const now = Date.now();
    await this.regenerate(req, {
      auth: { user, authenticatedAt: now, mfa: mfaRequired ? 'pending' : 'none' },
      meta: newMeta(req, now),
      data: carried,
    });
    const mfa = mfaRequired ? 'required' : 'none';
    this.events?.emitFor(req, { type: 'login', mfa });
    // Monitoring (when configured): login history, location and device rules; may refuse the login.
    await this.monitor?.afterLogin(req);
    return { session: describeSession(req)!, mfa };
  }

  /**
   * Reports a refused login as a `login_failed` event (the module never sees passwords, so the
   * app says when one was wrong). Call it on a wrong password, an unknown user, a throttled or
   * locked attempt. The event carries the reason, the user or username when given, the IP and
   * the User-Agent; never the password.
   */
  recordLoginFailure(req: Request, failure: LoginFailure): void {
    if (!failure || !LOGIN_FAILURE_REASONS.has(failure.reason)) {
      throw new TypeError(`SessionService.recordLoginFailure: reason must be one of ${[...LOGIN_FAILURE_REASONS].join(', ')}`);
    }
    const { reason, userId, username } = failure;
    this.events?.emit({
      type: 'login_failed',
      reason,
      userId: typeof userId === 'string' ? userId : undefined,
      ...(typeof username === 'string' ? { username: username.slice(0, MAX_EVENT_USERNAME_LENGTH) } : {}),
      handle: undefined,
      ip: requestIp(req),
      userAgent: req.get('user-agent'),
      timestamp: Date.now(),
    });
  }

  /**
   * Marks MFA verified (first factor pending, or a step-up) under a new session ID.
   * @param verifiedAt when the code was checked (epoch ms); MfaService passes its own clock.
   * @param mfaRevision the revision of the enrolment the factor belonged to (MfaService sets it)
   */
  async completeMfa(req: Request, verifiedAt: number = Date.now(), mfaRevision?: string): Promise<CurrentSessionInfo> {
    const auth = req.session?.auth;
    if (!auth) throw new UnauthenticatedException();
    await this.regenerate(req, {
      ...carriedState(req),
      auth: withoutUndefined({ ...auth, mfa: 'verified', mfaVerifiedAt: verifiedAt, mfaRevision }) as SessionAuthState,
    });
    return describeSession(req)!;
  }

  /**
   * Issues a new session ID and kills the old one in the store. By default everything the
   * session held moves to the new ID; pass `state` to replace it. A store failure rejects
   * with SessionStoreUnavailableException (503).
   */
  async regenerate(req: Request, state?: Partial<CarriedSessionState>): Promise<void> {
    return this.ids.regenerate(req, state);
  }

  /**
   * Ends the session (destroyed in the store, its device entry removed) and goes on with a
   * fresh, empty anonymous one, which is not stored unless the request writes to it; the
   * response expires the cookie.
   */
  async terminate(req: Request): Promise<void> {
    return this.ids.terminate(req);
  }

  /** Writes the session now (instead of when the response ends). */
  async save(req: Request): Promise<void> {
    return this.ids.save(req);
  }

  /** Destroys the server-side record. The request goes on without a session. */
  async destroy(req: Request): Promise<void> {
    const session = req.session;
    if (!session) return;
    const indexed = this.devices?.identify(req);
    // Taken now, emitted once the record is gone: afterwards the request has no session to describe.
    const loggedOut = session.auth ? this.events?.eventFor(req, { type: 'logout' }) : undefined;
    await this.ids.destroy(req);
    await this.devices?.destroyed(indexed);
    if (loggedOut) this.events!.emit(loggedOut);
  }

  /**
   * Complete logout: destroys the record, expires the cookie with the same name, path and
   * attributes it was set with, and tells the browser to drop cached and stored site data.
   */
  async logout(req: Request, res: Response): Promise<void> {
    if (isStoreUnavailable(req)) throw new SessionStoreUnavailableException();
    await this.destroy(req);
    expireSessionCookie(req, res, this.options);
    res.setHeader('Clear-Site-Data', CLEAR_SITE_DATA);
    res.setHeader('Cache-Control', 'no-store');
  }

  /**
   * Every live session of the user (MFA-pending ones included), most recently active first.
   * Pass the request to mark its own session `current`. Costs O(sessions of that user).
   */
  async listSessions(userId: string, req?: Request): Promise<ActiveSession[]> {
    return this.requireDevices().list(userId, req);
  }

  /**
   * Revokes one session of the user by its public handle: its record is deleted, so its next
   * request, on any app instance, is anonymous. A handle that is not one of this user's
   * sessions is 404 `not_found`, whoever it belongs to. To revoke the request's own session,
   * call {@link logout} instead (it also clears the cookie).
   */
  async revokeSession(userId: string, handle: string): Promise<void> {
    await this.requireDevices().revoke(userId, handle);
  }

  /**
   * Revokes every other session of the request's user ("sign out other devices"). The reason
   * goes into each `session.revoked` event. @returns how many.
   */
  async revokeOtherSessions(req: Request, reason: 'revoke_others' | 'mfa_changed' = 'revoke_others'): Promise<number> {
    if (isStoreUnavailable(req)) throw new SessionStoreUnavailableException();
    return this.requireDevices().revokeOthers(req, reason);
  }

  /**
   * Revokes every session of the user: logout everywhere, password change, account disabling,
   * admins. Costs O(sessions of that user). Block new logins of a disabled account yourself:
   * a login that completes after this call starts a new session. @returns how many.
   */
  async revokeAllSessions(userId: string): Promise<number> {
    return this.requireDevices().revokeAll(userId);
  }

  private requireDevices(): SessionDevicesService {
    if (!this.devices) throw new Error('SessionService: device features need SessionModule (SessionDevicesService is missing).');
    return this.devices;
  }
}

/** Book-keeping for a new session (device): a fresh public handle and the client it came from. */
function newMeta(req: Request, now = Date.now()): SessionMeta {
  const userAgent = req.get('user-agent');
  const ip = requestIp(req);
  return {
    createdAt: now,
    lastSeenAt: now,
    idIssuedAt: now,
    handle: newDeviceHandle(),
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, MAX_USER_AGENT_LENGTH) } : {}),
  };
}

function pick(data: Record<string, JsonValue> | undefined, keys: string[]): Record<string, JsonValue> {
  const picked: Record<string, JsonValue> = {};
  for (const key of keys) {
    if (data && Object.hasOwn(data, key)) picked[key] = data[key]!;
  }
  return picked;
}

