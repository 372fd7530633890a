import type { Request, Response } from 'express';
import type { StoredVersion } from '../store/session-repository.js';
import type { ResponseSteps } from './response-hooks.js';
import { matchesSnapshot, takeSnapshot, type SessionSnapshot } from './session-snapshot.js';

/** The engine's steps as a request's response goes out (see SessionEngine). */
export interface SessionResponder {
  beforeHeaders(req: Request, res: Response, state: RequestSessionState): void;
  commit(req: Request, state: RequestSessionState): Promise<void> | undefined;
}

/**
 * Everything the module knows of one request's session, in one place, besides `req.session`
 * itself (the express-session Session the app reads and writes): its ID now and the ID its
 * cookie carried, what the store holds of it, the snapshot that tells whether it changed,
 * whether it is a grace request of a rotation, whether the store failed. Reached through
 * {@link sessionStateOf}; `req.sessionID` and `req.sessionStore` read it.
 */
export class RequestSessionState implements ResponseSteps {
  /** `req.sessionID`: undefined once the session is destroyed, or when the store failed to load it. */
  sessionID: string | undefined;
  /** True once the session is on the request (loaded, or new). */
  isOpen = false;
  /** The store failed or timed out for this request: guards answer 503, no cookie is touched. */
  storeUnavailable = false;
  /** What the store holds of this session (see SessionRepository). */
  version: StoredVersion = { persisted: false };
  /**
   * Set when the request uses an ID just rotated out, or being rotated by a parallel request:
   * it is served, but never re-sends its cookie, records activity or rotates.
   */
  private graceId: string | undefined;
  /** The ID the session had when it was opened, and its content then. */
  private originalId: string | undefined;
  private snapshot: SessionSnapshot = {};
  headersSeen = false;
  ending = false;
  /** `req.ip` once read (see {@link requestIp}); `null` until then. */
  private ip: string | undefined | null = null;

  constructor(
    private readonly req: Request,
    /** The ID the request's cookie carried (verified), or undefined. */
    readonly cookieId: string | undefined,
    /** `req.sessionStore`: express-session's Store facade, for `req.session.save()` and friends. */
    readonly sessionStore: Request['sessionStore'],
    private readonly responder: SessionResponder,
  ) {
    this.sessionID = cookieId;
  }

  /** `req.ip`, worked out once for the request (see {@link requestIp}). */
  get clientIp(): string | undefined {
    if (this.ip === null) this.ip = this.req.ip;
    return this.ip;
  }

  /** The session is on the request, as loaded (or new): later changes are measured from here. */
  opened(): void {
    this.isOpen = true;
    this.originalId = this.sessionID;
    this.snapshot = takeSnapshot(this.req.session);
  }

  /** A new ID and an empty, unstored session (login, MFA, rotation, a session ended). */
  renewed(id: string): void {
    this.sessionID = id;
    this.version = { persisted: false };
  }

  markGrace(): void {
    this.graceId = this.sessionID;
  }

  /** True while the request still uses the ID it was marked a grace request with. */
  get isGrace(): boolean {
    return this.graceId !== undefined && this.graceId === this.sessionID;
  }

  /** True when the session must be written: a new ID, or its content changed since it was opened. */
  changed(session: Request['session']): boolean {
    return this.sessionID !== this.originalId || !matchesSnapshot(session, this.snapshot);
  }

  /**
   * `set` when the session has a new ID (login, MFA, rotation, an anonymous session given
   * data); `expire` when the session the browser holds ended during this request (it is
   * empty now); nothing otherwise, and nothing for an untouched new anonymous session.
   */
  cookieAction(session: Request['session']): 'set' | 'expire' | undefined {
    const empty = isEmpty(session);
    if (this.sessionID === this.cookieId) return empty && this.changed(session) ? 'expire' : undefined;
    if (!this.changed(session)) return undefined;
    if (!empty) return 'set';
    return this.cookieId !== undefined ? 'expire' : undefined;
  }

  beforeHeaders(res: Response): void {
    this.responder.beforeHeaders(this.req, res, this);
  }

  beforeEnd(): Promise<void> | undefined {
    return this.responder.commit(this.req, this);
  }
}

function isEmpty(session: Request['session']): boolean {
  for (const key in session) if (key !== 'cookie') return false;
  return true;
}

/**
 * Per-request state lives here and not as properties of `req`: Express gives every request a
 * hidden class of its own (`Object.setPrototypeOf(req, app.request)`), so each property added
 * to one builds a new one, measured at several µs apiece on the bench machine, against well
 * under one for this map. `req.sessionID` and `req.sessionStore` read it through accessors
 * on the app's request prototype. (`req.session` stays an own property: express-session's
 * `Session#destroy` deletes it, which an inherited accessor would not notice.)
 */
const states = new WeakMap<object, RequestSessionState>();

/**
 * The request's `req.ip`, read once per request: Express works it out anew on every read,
 * parsing X-Forwarded-For through `trust proxy` (ipaddr.js), and a login reads it for the
 * device entry, the event and the client binding.
 */
export function requestIp(req: Request): string | undefined {
  const state = states.get(req);
  return state ? state.clientIp : req.ip;
}

/** The session state of a request whose session this module opened, or undefined. */
export function sessionStateOf(req: Request): RequestSessionState | undefined {
  return states.get(req);
}

/**
 * Gives `req` its session state. On a request of an app whose prototype has no accessors
 * (see {@link installRequestAccessors}), the ID and store become own properties instead.
 */
export function openRequestSession(req: Request, state: RequestSessionState): void {
  states.set(req, state);
  if (!hasAccessors(req)) {
    Object.defineProperties(req, {
      sessionID: ownAccessor('sessionID'),
      sessionStore: ownAccessor('sessionStore'),
    });
  }
}

/** The request prototypes given the accessors. */
const prepared = new WeakSet<object>();

function hasAccessors(req: Request): boolean {
  return prepared.has(Object.getPrototypeOf(req) as object);
}

/** Defines `sessionID` and `sessionStore` on an Express app's request prototype (`app.request`). */
export function installRequestAccessors(requestPrototype: object): void {
  if (prepared.has(requestPrototype)) return;
  Object.defineProperties(requestPrototype, {
    sessionID: ownAccessor('sessionID'),
    sessionStore: ownAccessor('sessionStore'),
  });
  prepared.add(requestPrototype);
}

/**
 * An accessor reading the request's state. A request this module did not open keeps what is
 * assigned to it as an own property, as it would have without the accessor.
 */
function ownAccessor(name: 'sessionID' | 'sessionStore'): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: true,
    get(this: Request) {
      return states.get(this)?.[name];
    },
    set(this: Request, value: unknown) {
      const state = states.get(this);
      if (state && name === 'sessionID') state.sessionID = value as string | undefined;
      else Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
    },
  };
}
