import { Reflector } from '@nestjs/core';
import { REQUIRE_MFA } from '../session.constants.js';

export interface RequireMfaOptions {
  /**
   * How old the session's last MFA verification may be (ms).
   * @default the `mfa.stepUpMaxAge` option (5 minutes)
   */
  maxAge?: number;
}

/**
 * The route needs a recent MFA verification (step-up), enforced by MfaGuard: otherwise 403
 * `step_up_required`, and `MfaService.stepUp()` satisfies it. For a session whose user had
 * no MFA at login, a recent password step counts instead.
 */
export const RequireMfa = Reflector.createDecorator<RequireMfaOptions, RequireMfaOptions>({
  key: REQUIRE_MFA,
  transform: (options) => {
    const maxAge = options?.maxAge;
    if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge >= 1_000)) {
      throw new TypeError(`@RequireMfa({ maxAge }) must be a number of milliseconds >= 1000, not ${String(maxAge)}`);
    }
    return options ?? {};
  },
});
