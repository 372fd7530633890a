import type { Request } from 'express';
import { UnauthenticatedException } from '../../errors/session.exceptions.js';
import type { SessionIdOperations } from '../session-id-operations.js';
import type { ResolvedSessionOptions } from '../../options/resolved-session-options.js';
import type { SessionMeta } from '../../session.types.js';
import { ExpressStoreAdapter } from '../express-store.adapter.js';
import { markGraceRequest } from './rotation-grace.js';

type RotationSettings = Pick<ResolvedSessionOptions, 'rotateInterval' | 'rotateGracePeriod'>;

/** True once `rotateInterval` has passed since the session's current ID was issued. */
export function isRotationDue(
  meta: SessionMeta,
  options: Pick<RotationSettings, 'rotateInterval'>,
  now: number,
): boolean {
  return now - (meta.idIssuedAt ?? meta.createdAt) >= options.rotateInterval;
}

/**
 * Rotates the session ID when `rotateInterval` has passed since it was issued: same data,
 * same device handle, new ID, and the old ID ends after `rotateGracePeriod`. Of parallel
 * requests that find the rotation due, one claims it in the store and rotates; the others go
 * on with the old ID as grace requests (no cookie, no activity write).
 *
 * @returns true when this request rotated the ID.
 */
export async function rotateIfDue(
  req: Request,
  ids: SessionIdOperations,
  options: RotationSettings,
  now: number,
): Promise<boolean> {
  const meta = req.session.meta;
  const store = req.sessionStore;
  if (!meta || !(store instanceof ExpressStoreAdapter)) return false;
  if (!isRotationDue(meta, options, now)) return false;
  if (!(await store.claimRotation(req.sessionID, options.rotateGracePeriod))) {
    markGraceRequest(req);
    return false;
  }
  try {
    await ids.rotateId(req, options.rotateGracePeriod);
  } catch (err) {
    // The session was ended by a parallel request (logout, revoke) meanwhile: the rotation was
    // undone and the request goes on anonymous, as after any other ending.
    if (err instanceof UnauthenticatedException) return false;
    throw err;
  }
  return true;
}
