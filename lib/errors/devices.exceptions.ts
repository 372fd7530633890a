import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from './session.exceptions.js';

/** A login over `maxSessionsPerUser` under the `reject` policy: 409 `session_limit`. */
export class SessionLimitException extends SessionHttpException {
  constructor(readonly limit: number) {
    super(
      'session_limit',
      `This account already has ${limit} active session${limit === 1 ? '' : 's'}, the most allowed. Sign out on another device (or wait for one to expire), then log in again.`,
      HttpStatus.CONFLICT,
    );
  }
}

/** A handle that is not one of the caller's sessions: 404 `not_found`, whoever it belongs to. */
export class SessionNotFoundException extends SessionHttpException {
  constructor() {
    super('not_found', 'No such session.', HttpStatus.NOT_FOUND);
  }
}

/** The device features need a session index; a custom store was given without one. */
export class SessionIndexNotConfiguredException extends SessionHttpException {
  constructor() {
    super(
      'devices_not_configured',
      'Listing and revoking sessions needs a session index (SessionModule option sessionIndex) beside a custom store.',
      HttpStatus.NOT_IMPLEMENTED,
    );
  }
}
