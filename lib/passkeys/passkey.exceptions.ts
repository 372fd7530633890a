import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from '../errors/session.exceptions.js';

/**
 * A passkey answer that does not count: 401 `invalid_passkey` for sign-in, second factor and
 * step-up (bad signature, replay, unknown credential, used or expired challenge); 400 for a
 * registration that does not verify. The message never says which check failed.
 */
export class InvalidPasskeyException extends SessionHttpException {
  constructor(
    status: HttpStatus.UNAUTHORIZED | HttpStatus.BAD_REQUEST = HttpStatus.UNAUTHORIZED,
    message = 'The passkey could not be verified; start again.',
  ) {
    super('invalid_passkey', message, status);
  }
}

/** The body is not a WebAuthn answer of the expected shape: 400 `invalid_request`. */
export class MalformedPasskeyRequestException extends SessionHttpException {
  constructor(message: string) {
    super('invalid_request', message, HttpStatus.BAD_REQUEST);
  }
}

/** The user has no passkey to ask for (second factor or step-up): 400 `no_passkeys`. */
export class NoPasskeysException extends SessionHttpException {
  constructor() {
    super('no_passkeys', 'This account has no passkey.', HttpStatus.BAD_REQUEST);
  }
}

/** Not one of the session user's passkeys (whoever it belongs to): 404 `not_found`. */
export class PasskeyNotFoundException extends SessionHttpException {
  constructor() {
    super('not_found', 'No such passkey.', HttpStatus.NOT_FOUND);
  }
}
