import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Reflector } from '@nestjs/core';
import { RequireMfa, type RequireMfaOptions } from '../decorators/require-mfa.decorator.js';
import { StepUpRequiredException } from '../errors/mfa.exceptions.js';
import { MfaRequiredException } from '../errors/session.exceptions.js';
import { RecentMfaCheck } from '../mfa/recent-mfa-check.js';
import { stepUpDemanded } from '../monitoring/step-up-demand.js';
import { SKIP_MFA } from '../session.constants.js';
import type { SessionAuthState } from '../session.types.js';
import { AuthenticatedGuard } from './authenticated.guard.js';

/**
 * Lets through fully authenticated sessions only: password done and, for a user enrolled in
 * MFA, the code verified. Anonymous: 401 `unauthenticated`; password only: 403 `mfa_required`
 * except on `@SkipMfa()` routes; a `@RequireMfa()` route without a recent enough MFA
 * verification, or a session an anomaly asked to verify MFA again (`monitoring`): 403
 * `step_up_required`. Bind per controller or globally
 * (`{ provide: APP_GUARD, useExisting: MfaGuard }`). Works with or without `mfa` configured.
 */
@Injectable()
export class MfaGuard extends AuthenticatedGuard {
  constructor(
    reflector: Reflector,
    protected readonly recentMfa: RecentMfaCheck,
  ) {
    super(reflector);
  }

  protected override allow(auth: SessionAuthState, context: ExecutionContext): boolean {
    const skipMfa = this.flag(SKIP_MFA, context);
    if (auth.mfa === 'pending' && !skipMfa) throw new MfaRequiredException();
    // An anomaly (see `monitoring`) asked for MFA again: only @SkipMfa() routes, where codes are entered, stay open.
    if (!skipMfa && stepUpDemanded(context.switchToHttp().getRequest<Request>(), auth)) throw new StepUpRequiredException();
    const stepUp = this.routeMetadata.get<RequireMfaOptions>(RequireMfa, context);
    if (stepUp && !this.recentMfa.isRecentlyVerified(auth, stepUp.maxAge)) throw new StepUpRequiredException();
    return true;
  }
}
