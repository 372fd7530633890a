import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from './session.exceptions.js';

/** 403 `csrf`: a state-changing request that does not come from an allowed origin. */
export class CsrfRefusedException extends SessionHttpException {
  constructor(message = 'Cross-site request refused.') {
    super('csrf', message, HttpStatus.FORBIDDEN);
  }
}
