import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { SESSION_DEFAULTS } from '../options/session-defaults.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { SessionAuthState } from '../session.types.js';
import { MFA_CLOCK, type MfaClock } from './mfa.constants.js';

/**
 * Whether a session verified MFA recently enough, for `@RequireMfa()` (MfaGuard) and MfaService.
 * Registered with or without `mfa`: a session whose user had no MFA at login counts from its
 * password step.
 */
@Injectable()
export class RecentMfaCheck {
  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(MFA_CLOCK) private readonly clock: MfaClock,
  ) {}

  /** `maxAge` (ms) defaults to `mfa.stepUpMaxAge`. */
  isRecentlyVerified(auth: SessionAuthState, maxAge?: number): boolean {
    const limit = maxAge ?? this.options.mfa?.stepUpMaxAge ?? SESSION_DEFAULTS.mfa.stepUpMaxAge;
    const at = auth.mfa === 'none' ? auth.authenticatedAt : auth.mfaVerifiedAt;
    return at !== undefined && this.clock() - at <= limit;
  }
}
