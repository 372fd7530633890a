import type { Request, Response } from 'express';
import { requestSessionState } from './request-session-state.js';

/** What is done, once each, as the response to one request goes out. */
export interface ResponseSteps {
  /** Set by the hooks once {@link beforeHeaders} has run. */
  headersSeen: boolean;
  /** Set by the hooks once the app has ended the response. */
  ending: boolean;
  /** Before the head is written (the session cookie goes into it). */
  beforeHeaders(res: Response): void;
  /** When the app ends the response: a promise delays the end until it settles. */
  beforeEnd(): Promise<void> | undefined;
}

type Write = (this: Response, ...args: unknown[]) => Response;

/**
 * The response prototypes hooked, by any instance: the wrappers find their steps through the
 * request, so one pair serves every engine of an app (two SessionModules in one app must not
 * wrap twice: the outer end would mark the response ending and the inner one never end it).
 */
const hookedPrototypes = new WeakSet<object>();

/**
 * Runs a request's {@link ResponseSteps} when its response writes its head and when it ends,
 * in the place express-session's on-headers and res.end wrappers held.
 *
 * The wrappers are installed once, on the Express app's response prototype, and find the
 * steps through `res.req` (see request-session-state.ts): a response pays nothing, where two
 * closures and two own methods cost every response object a new hidden class. A response of
 * another app (one whose prototype was never hooked) gets the same wrappers as own methods.
 */
export class ResponseHooks {
  /** Installs the wrappers on an Express app's response prototype (`app.response`). */
  install(responsePrototype: object): void {
    if (hookedPrototypes.has(responsePrototype)) return;
    const proto = responsePrototype as Response;
    proto.writeHead = hookWriteHead(proto.writeHead as unknown as Write) as unknown as Response['writeHead'];
    proto.end = hookEnd(proto.end as unknown as Write) as unknown as Response['end'];
    hookedPrototypes.add(responsePrototype);
  }

  /** Makes sure `res` runs the steps of its request's session state. */
  hook(res: Response): void {
    if (hookedPrototypes.has(Object.getPrototypeOf(res) as object)) return;
    res.writeHead = hookWriteHead(res.writeHead as unknown as Write) as unknown as Response['writeHead'];
    res.end = hookEnd(res.end as unknown as Write) as unknown as Response['end'];
  }
}

function stepsOf(res: Response): ResponseSteps | undefined {
  const req = res.req as Request | undefined;
  return req ? requestSessionState(req)?.steps : undefined;
}

/** Every response writes its head through writeHead (res.end without one calls it too). */
function hookWriteHead(writeHead: Write): Write {
  return function writeHeadWithSession(this: Response, ...args: unknown[]): Response {
    const steps = stepsOf(this);
    if (steps && !steps.headersSeen) {
      steps.headersSeen = true;
      steps.beforeHeaders(this);
    }
    return writeHead.apply(this, args);
  };
}

function hookEnd(end: Write): Write {
  return function endWithSession(this: Response, ...args: unknown[]): Response {
    const steps = stepsOf(this);
    if (!steps) return end.apply(this, args);
    if (steps.ending) return this;
    steps.ending = true;
    const pending = steps.beforeEnd();
    if (!pending) return end.apply(this, args);
    // The save completes before the response does: the browser's next request sees it.
    pending.then(() => end.apply(this, args));
    return this;
  };
}
