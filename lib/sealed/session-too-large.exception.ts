import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from '../errors/session.exceptions.js';

/**
 * A sealed-cookie session grew past what one cookie can carry (4096 bytes with its name and
 * attributes): the app keeps too much in it. A 500, because the app, not the client, must
 * change: browsers silently drop a longer cookie, which would lose the session unnoticed.
 */
export class SessionTooLargeException extends SessionHttpException {
  constructor(bytes: number) {
    super(
      'session_too_large',
      `The session would need a ${bytes}-byte cookie; at most 4096 fit. Keep less in the session.`,
      HttpStatus.INTERNAL_SERVER_ERROR,
    );
  }
}
