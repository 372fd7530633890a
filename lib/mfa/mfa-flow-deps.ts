import type { Logger } from '@nestjs/common';
import type { ResolvedMfaOptions } from '../options/resolved-session-options.js';
import type { SessionService } from '../session.service.js';
import type { MfaEventReporter } from './mfa-event-reporter.js';
import type { MfaStateAccess } from './mfa-state-access.js';
import type { MfaClock } from './mfa.constants.js';
import type { Totp } from './totp.js';
import type { TotpSecretSealer } from './totp-secret-sealer.js';

/** What the enrolment and verification flows work with; MfaService builds it once for both. */
export interface MfaFlowDeps {
  mfa: ResolvedMfaOptions;
  sessions: SessionService;
  access: MfaStateAccess;
  sealer: TotpSecretSealer;
  totp: Totp;
  reporter: MfaEventReporter;
  clock: MfaClock;
  logger: Logger;
}
