import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from './session.exceptions.js';

/**
 * A refused bearer request. `challenge` is the `WWW-Authenticate` value RFC 6750 asks for;
 * SessionTokenGuard sets it on the response before the exception is answered.
 */
export abstract class BearerTokenException extends SessionHttpException {
  abstract readonly challenge: string;
}

/** 401 `invalid_token`: no usable token (missing, malformed, bad signature, wrong alg, iss, aud or typ, expired, unknown key). */
export class InvalidTokenException extends BearerTokenException {
  readonly challenge: string;

  constructor(message = 'The access token is invalid or expired.', missing = false) {
    super('invalid_token', message, HttpStatus.UNAUTHORIZED);
    // RFC 6750 3.1: a request without any token gets the challenge without an error code.
    this.challenge = missing ? 'Bearer' : 'Bearer error="invalid_token"';
  }
}

/** 401 `session_ended`: a valid token whose session was logged out, revoked or timed out. */
export class SessionEndedException extends BearerTokenException {
  readonly challenge = 'Bearer error="invalid_token", error_description="the session has ended"';

  constructor() {
    super('session_ended', 'The session this token belongs to has ended; sign in again.', HttpStatus.UNAUTHORIZED);
  }
}
