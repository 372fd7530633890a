import type { Request } from 'express';

const STORE_UNAVAILABLE = Symbol('nest-secure-session.store-unavailable');

type Marked = Request & { [STORE_UNAVAILABLE]?: true };

/** Records that the session could not be loaded because the store failed. */
export function markStoreUnavailable(req: Request): void {
  (req as Marked)[STORE_UNAVAILABLE] = true;
}

/** True when this request's session could not be loaded: guards answer 503, never "anonymous". */
export function isStoreUnavailable(req: Request): boolean {
  return (req as Marked)[STORE_UNAVAILABLE] === true;
}
