import type { Request } from 'express';

const GRACE = Symbol('nest-secure-session.grace');
const KEEP_PREVIOUS_ID = Symbol('nest-secure-session.keep-previous-id');

type Marked = Request & { [GRACE]?: string; [KEEP_PREVIOUS_ID]?: true };

/**
 * Marks the request as using a session ID that was just rotated out (or is being rotated by a
 * parallel request): it is served, but never re-sends its cookie, records activity or rotates.
 */
export function markGraceRequest(req: Request): void {
  (req as Marked)[GRACE] = req.sessionID;
}

/** True while the request still uses the session ID it was marked with. */
export function isGraceRequest(req: Request): boolean {
  const marked = (req as Marked)[GRACE];
  return marked !== undefined && marked === req.sessionID;
}

/** The next regeneration of this request keeps the previous ID in the store (rotation with grace). */
export function keepPreviousIdOnce(req: Request): void {
  (req as Marked)[KEEP_PREVIOUS_ID] = true;
}

/** Reads and clears the flag set by {@link keepPreviousIdOnce}. */
export function takeKeepPreviousId(req: Request): boolean {
  const marked = req as Marked;
  const keep = marked[KEEP_PREVIOUS_ID] === true;
  delete marked[KEEP_PREVIOUS_ID];
  return keep;
}
