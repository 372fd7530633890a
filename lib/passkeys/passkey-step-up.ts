import { StepUpRequiredException } from '../errors/mfa.exceptions.js';
import { revisionOf } from '../mfa/mfa-revision.js';
import type { MfaEnrollment } from '../mfa/mfa-secret-store.interface.js';
import type { SessionAuthState } from '../session.types.js';

/**
 * The rule TOTP changes follow (MfaEnrollmentFlow), for passkey changes: the session verified
 * a second factor (TOTP, a recovery code or a passkey) within `stepUpMaxAge`, against the
 * user's current TOTP enrolment revision. The password alone never counts.
 */
export function requireRecentFactor(auth: SessionAuthState, totp: MfaEnrollment | null, now: number, stepUpMaxAge: number): void {
  const at = auth.mfaVerifiedAt;
  if (at === undefined || now - at > stepUpMaxAge || now < at) throw new StepUpRequiredException();
  if (auth.mfaRevision !== revisionOf(totp)) {
    throw new StepUpRequiredException('Your multi-factor settings changed since you last verified; verify your current second factor.');
  }
}
