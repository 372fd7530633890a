import type { Request } from 'express';
import type { MfaEvent, MfaOutcome, MfaPurpose } from '../events/mfa.event.js';
import type { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { MfaClock } from './mfa.constants.js';

/** Reports MFA outcomes as `mfa` security events. */
export class MfaEventReporter {
  constructor(
    private readonly events: SessionEventEmitter,
    private readonly clock: MfaClock,
  ) {}

  emit(
    req: Request | undefined,
    userId: string,
    outcome: MfaOutcome,
    purpose: MfaPurpose,
    extra: Pick<MfaEvent, 'method' | 'lockedUntil' | 'recoveryCodesLeft'>,
  ): void {
    this.events.emit({ type: 'mfa', outcome, userId, ip: req?.ip, timestamp: this.clock(), purpose, ...extra });
  }
}
