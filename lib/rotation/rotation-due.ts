import type { Request } from 'express';
import { UnauthenticatedException } from '../errors/session.exceptions.js';
import type { RequestSessionState } from '../http/request-session-state.js';
import type { SessionIdOperations } from '../http/session-id-operations.js';
import { storeOperation } from '../http/store-availability.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { SessionMeta } from '../session.types.js';
import type { SessionRepository } from '../store/session-repository.js';

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
 * How far another instance's clock may run ahead of ours before {@link mayHaveRotated} could be
 * wrong. Instances whose clocks differ by more break the timeouts too.
 */
const CLOCK_SKEW_MS = 60_000;

/**
 * False when no request can have claimed a rotation of the session's current ID: its ID is
 * younger than `rotateInterval` (less the clock skew allowed between instances), and the request
 * did not load it through a rotation forward. Then ending that ID needs no forward lookup.
 */
export function mayHaveRotated(
  meta: SessionMeta | undefined,
  loadedThroughForward: boolean,
  options: Pick<RotationSettings, 'rotateInterval'>,
  now: number,
): boolean {
  if (loadedThroughForward || !meta) return true;
  return now - (meta.idIssuedAt ?? meta.createdAt) >= options.rotateInterval - CLOCK_SKEW_MS;
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
  state: RequestSessionState,
  rotation: { ids: SessionIdOperations; repository: SessionRepository; options: RotationSettings },
  now: number,
): Promise<boolean> {
  const meta = req.session.meta;
  const { ids, repository, options } = rotation;
  if (!meta || state.sessionID === undefined || !isRotationDue(meta, options, now)) return false;
  if (!(await storeOperation(req, repository.claimRotation(state.sessionID, options.rotateGracePeriod)))) {
    state.markGrace();
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
