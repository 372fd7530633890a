import type { Logger } from '@nestjs/common';
import type { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { MfaEventReporter } from '../mfa/mfa-event-reporter.js';
import type { MfaStateAccess } from '../mfa/mfa-state-access.js';
import type { MfaClock } from '../mfa/mfa.constants.js';
import type { ResolvedMfaOptions, ResolvedPasskeyOptions } from '../options/resolved-session-options.js';
import type { SessionService } from '../session.service.js';
import type { PasskeyChallenges } from './passkey-challenge.js';
import type { PasskeyReporter } from './passkey-reporter.js';

/** What the passkey flows work with; PasskeyService builds it once for both. */
export interface PasskeyFlowDeps {
  passkeys: ResolvedPasskeyOptions;
  mfa: ResolvedMfaOptions;
  /** Keys the user handle (see userHandleFor). */
  userHandleKey: string;
  sessions: SessionService;
  access: MfaStateAccess;
  challenges: PasskeyChallenges;
  reporter: PasskeyReporter;
  mfaReporter: MfaEventReporter;
  events: SessionEventEmitter;
  clock: MfaClock;
  logger: Logger;
}
