import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import { MfaRequiredException, UnauthenticatedException } from '../errors/session.exceptions.js';
import type { SessionAuthState } from '../session.types.js';

const CODE_SHAPE = /^[0-9]{6}$/;

/** A TOTP code as a client must send it: 6 digits; anything else is 400 (and never counted). */
export function checkCodeShape(code: unknown): string {
  if (typeof code !== 'string' || !CODE_SHAPE.test(code)) {
    throw new BadRequestException({ error: 'invalid_request', message: 'code must be a string of 6 digits.' });
  }
  return code;
}

/** A session past the password step and, for an enrolled user, past MFA. */
export function fullAuth(req: Request): SessionAuthState {
  const auth = req.session?.auth;
  if (!auth) throw new UnauthenticatedException();
  if (auth.mfa === 'pending') throw new MfaRequiredException();
  return auth;
}
