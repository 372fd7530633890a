import type { Request } from 'express';

/**
 * Per request, the ID it was marked with, and the requests whose next regeneration keeps the
 * previous ID. Maps, not marks on the request: see store-availability.ts.
 */
const graceIds = new WeakMap<Request, string>();
const keepingPreviousId = new WeakSet<Request>();

/**
 * Marks the request as using a session ID that was just rotated out (or is being rotated by a
 * parallel request): it is served, but never re-sends its cookie, records activity or rotates.
 */
export function markGraceRequest(req: Request): void {
  graceIds.set(req, req.sessionID);
}

/** True while the request still uses the session ID it was marked with. */
export function isGraceRequest(req: Request): boolean {
  const marked = graceIds.get(req);
  return marked !== undefined && marked === req.sessionID;
}

/** The next regeneration of this request keeps the previous ID in the store (rotation with grace). */
export function keepPreviousIdOnce(req: Request): void {
  keepingPreviousId.add(req);
}

/** Reads and clears the flag set by {@link keepPreviousIdOnce}. */
export function takeKeepPreviousId(req: Request): boolean {
  return keepingPreviousId.delete(req);
}
