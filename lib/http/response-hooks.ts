import type { Request, Response } from 'express';
import { sessionStateOf } from './request-session-state.js';

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
 * The wrappers made here. What a response already reaches through them (as its own methods or
 * its prototype's) is never wrapped again: the wrappers find their steps through the request,
 * so one pair serves every engine, and a second pair would break the first (the outer end
 * marks the response ending, and the inner one would then never end it).
 */
const wrappers = new WeakSet<object>();

/**
 * Runs a request's {@link ResponseSteps} when its response writes its head and when it ends,
 * in the place express-session's on-headers and res.end wrappers held.
 *
 * The wrappers are installed once, on the Express app's response prototype, and find the
 * steps through `res.req` (see request-session-state.ts): a response pays nothing, where two
 * closures and two own methods cost every response object a new hidden class.
 */
export function installResponseHooks(responsePrototype: object): void {
  wrap(responsePrototype as Response);
}

/** A response of an app whose prototype was never hooked gets the same wrappers as own methods. */
export function hookResponse(res: Response): void {
  wrap(res);
}

function wrap(target: Response): void {
  if (!wrappers.has(target.writeHead)) {
    target.writeHead = hookWriteHead(target.writeHead as unknown as Write) as unknown as Response['writeHead'];
  }
  if (!wrappers.has(target.end)) target.end = hookEnd(target.end as unknown as Write) as unknown as Response['end'];
}

function stepsOf(res: Response): ResponseSteps | undefined {
  const req = res.req as Request | undefined;
  return req ? sessionStateOf(req) : undefined;
}

/** Every response writes its head through writeHead (res.end without one calls it too). */
function hookWriteHead(writeHead: Write): Write {
  return remembered(function writeHeadWithSession(this: Response, ...args: unknown[]): Response {
    const steps = stepsOf(this);
    if (steps && !steps.headersSeen) {
      steps.headersSeen = true;
      steps.beforeHeaders(this);
    }
    return writeHead.apply(this, args);
  });
}

function hookEnd(end: Write): Write {
  return remembered(function endWithSession(this: Response, ...args: unknown[]): Response {
    const steps = stepsOf(this);
    if (!steps) return end.apply(this, args);
    if (steps.ending) return this;
    steps.ending = true;
    const pending = steps.beforeEnd();
    if (!pending) return end.apply(this, args);
    // The save completes before the response does: the browser's next request sees it.
    pending.then(() => end.apply(this, args));
    return this;
  });
}

function remembered(wrapper: Write): Write {
  wrappers.add(wrapper);
  return wrapper;
}
