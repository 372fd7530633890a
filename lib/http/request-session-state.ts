import type { Request } from 'express';
import type { ResponseSteps } from './response-hooks.js';

/** What the session layer keeps per request, besides `req.session` itself. */
export interface RequestSessionState {
  /** `req.sessionID`. */
  sessionID: string | undefined;
  /** `req.sessionStore`. */
  readonly sessionStore: Request['sessionStore'];
  /** Run as the response goes out (see response-hooks.ts). */
  readonly steps: ResponseSteps;
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

/** The state of a request whose session this module opened, or undefined. */
export function requestSessionState(req: Request): RequestSessionState | undefined {
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
