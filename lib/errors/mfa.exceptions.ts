import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from './session.exceptions.js';

/** A route marked `@RequireMfa()` (or an MFA change) needs a fresher MFA verification. */
export class StepUpRequiredException extends SessionHttpException {
  constructor(message = 'Verify your second factor again to continue.') {
    super('step_up_required', message, HttpStatus.FORBIDDEN);
  }
}

/**
 * Too many failed MFA attempts on this account: 429 `locked`. The module also sets the
 * `Retry-After` header (seconds) on the response; `retryAfter` carries it for custom filters.
 */
export class MfaLockedException extends SessionHttpException {
  constructor(readonly retryAfter: number) {
    super('locked', `Too many failed attempts; try again in ${retryAfter} s.`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The user has no MFA enrolment (step-up, recovery codes or disabling need one). */
export class MfaNotEnrolledException extends SessionHttpException {
  constructor(message = 'Multi-factor authentication is not enrolled for this account.') {
    super('mfa_not_enrolled', message, HttpStatus.BAD_REQUEST);
  }
}

/** Another change to the same user's MFA enrolment is in progress and did not finish in time. */
export class MfaBusyException extends SessionHttpException {
  constructor() {
    super('mfa_busy', 'Another change to this account\'s multi-factor settings is in progress; try again.', HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** The stored secret cannot be decrypted (key removed from mfa.encryptionKeys, or tampered with). */
export class MfaSecretUnreadableException extends SessionHttpException {
  constructor() {
    super('mfa_secret_unreadable', 'The stored multi-factor secret cannot be read; contact support.', HttpStatus.INTERNAL_SERVER_ERROR);
  }
}

/** No enrolment waits in this session: start one first (400 `enrollment_not_started`). */
export class EnrollmentNotStartedException extends SessionHttpException {
  constructor() {
    super('enrollment_not_started', 'Start enrolment first.', HttpStatus.BAD_REQUEST);
  }
}

/**
 * The enrolment waiting in this session is older than `mfa.pendingEnrollmentMaxAge`, or the
 * user's MFA changed since it started (in another session or on another instance). It is
 * dropped: start again.
 */
export class EnrollmentExpiredException extends SessionHttpException {
  constructor(message = 'This enrolment is no longer valid; start again.') {
    super('enrollment_expired', message, HttpStatus.BAD_REQUEST);
  }
}
