import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * Every error the module raises answers `{ error: <code>, message }` with a fitting status:
 * clients branch on `error`, people read `message`.
 */
export class SessionHttpException extends HttpException {
  constructor(
    readonly code: string,
    message: string,
    status: HttpStatus,
  ) {
    super({ error: code, message }, status);
  }
}

export class UnauthenticatedException extends SessionHttpException {
  constructor(message = 'Log in first.') {
    super('unauthenticated', message, HttpStatus.UNAUTHORIZED);
  }
}

export class InvalidCredentialsException extends SessionHttpException {
  constructor(message = 'Wrong username or password.') {
    super('invalid_credentials', message, HttpStatus.UNAUTHORIZED);
  }
}

export class MfaRequiredException extends SessionHttpException {
  constructor(message = 'Complete multi-factor authentication first.') {
    super('mfa_required', message, HttpStatus.FORBIDDEN);
  }
}

export class MfaNotPendingException extends SessionHttpException {
  constructor(message = 'This session is not waiting for a multi-factor code.') {
    super('mfa_not_pending', message, HttpStatus.BAD_REQUEST);
  }
}

export class InvalidMfaCodeException extends SessionHttpException {
  constructor(status: HttpStatus.UNAUTHORIZED | HttpStatus.BAD_REQUEST = HttpStatus.UNAUTHORIZED, message = 'The code is wrong or was already used.') {
    super('invalid_code', message, status);
  }
}

export class MfaNotConfiguredException extends SessionHttpException {
  constructor() {
    super('mfa_not_configured', 'Multi-factor authentication is not configured (SessionModule option mfa).', HttpStatus.NOT_IMPLEMENTED);
  }
}

export class SessionStoreUnavailableException extends SessionHttpException {
  constructor() {
    super('session_store_unavailable', 'Sessions are temporarily unavailable; try again shortly.', HttpStatus.SERVICE_UNAVAILABLE);
  }
}
