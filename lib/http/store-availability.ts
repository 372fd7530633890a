import type { Request } from 'express';
import { failClosed } from '../store/store-failure.js';
import { sessionStateOf } from './request-session-state.js';

/** Records in the request's session state that the store failed for it. */
export function markStoreUnavailable(req: Request): void {
  const state = sessionStateOf(req);
  if (state) state.storeUnavailable = true;
}

/** True when the store failed for this request: guards answer 503, never "anonymous". */
export function isStoreUnavailable(req: Request): boolean {
  return sessionStateOf(req)?.storeUnavailable === true;
}

/**
 * Awaits a store operation of the request's session (bounded where it was issued) under the
 * one failure rule (store/store-failure.ts): a failure marks the request and becomes 503.
 */
export function storeOperation<T>(req: Request, operation: Promise<T>): Promise<T> {
  return failClosed(operation, 'session store', () => markStoreUnavailable(req));
}
