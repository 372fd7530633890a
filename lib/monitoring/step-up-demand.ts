import type { Request } from 'express';
import type { SessionAuthState } from '../session.types.js';

/**
 * True when an anomaly asked this session to verify MFA again and it has not since: MfaGuard
 * answers 403 `step_up_required` on every guarded route but `@SkipMfa()` ones (where the code
 * is entered).
 */
export function stepUpDemanded(req: Request, auth: SessionAuthState): boolean {
  const since = req.session?.meta?.geo?.stepUpSince;
  if (since === undefined) return false;
  return auth.mfaVerifiedAt === undefined || auth.mfaVerifiedAt < since;
}
