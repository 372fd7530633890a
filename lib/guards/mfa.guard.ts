import { Injectable, type ExecutionContext } from '@nestjs/common';
import { MfaRequiredException } from '../errors/session.exceptions.js';
import { SKIP_MFA } from '../session.constants.js';
import type { SessionAuthState } from '../session.types.js';
import { AuthenticatedGuard } from './authenticated.guard.js';

/**
 * Lets through fully authenticated sessions only: password done and, for a user enrolled in
 * MFA, the code verified. Anonymous: 401 `unauthenticated`; password only: 403 `mfa_required`
 * except on `@SkipMfa()` routes. Bind per controller or globally
 * (`{ provide: APP_GUARD, useExisting: MfaGuard }`).
 */
@Injectable()
export class MfaGuard extends AuthenticatedGuard {
  protected override allow(auth: SessionAuthState, context: ExecutionContext): boolean {
    if (auth.mfa === 'pending' && !this.flag(SKIP_MFA, context)) throw new MfaRequiredException();
    return true;
  }
}
