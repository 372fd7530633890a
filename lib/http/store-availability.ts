import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { SessionStoreUnavailableException } from '../errors/session.exceptions.js';
import { describeError } from '../errors/describe-error.js';

const logger = new Logger('SessionModule');

/**
 * The requests that found the store failing. A set, not a mark on the request: asked several
 * times per request, a property that is absent costs a walk up the request's long prototype
 * chain each time (see request-session-state.ts for what properties cost on Express requests).
 */
const unavailable = new WeakSet<Request>();

/** Records that the session could not be loaded because the store failed. */
export function markStoreUnavailable(req: Request): void {
  unavailable.add(req);
}

/** True when this request's session could not be loaded: guards answer 503, never "anonymous". */
export function isStoreUnavailable(req: Request): boolean {
  return unavailable.has(req);
}

/**
 * Awaits a store operation of the request's session; a failure (error or `storeTimeout`)
 * marks the request and becomes 503 `session_store_unavailable`, never a 500.
 */
export async function storeOperation<T>(req: Request, operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (err) {
    if (err instanceof SessionStoreUnavailableException) throw err;
    logger.error(`session store failed: ${describeError(err)}`);
    markStoreUnavailable(req);
    throw new SessionStoreUnavailableException();
  }
}
