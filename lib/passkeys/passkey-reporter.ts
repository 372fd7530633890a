import type { Request } from 'express';
import type { PasskeyEvent } from '../events/passkey.event.js';
import type { SessionEventEmitter } from '../events/session-event-emitter.js';
import type { MfaClock } from '../mfa/mfa.constants.js';
import { requestIp } from '../http/request-session-state.js';

type Without<E> = E extends PasskeyEvent ? Omit<E, 'ip' | 'timestamp'> : never;

/** Reports passkey outcomes as `passkey.*` security events (ip and time filled in here). */
export class PasskeyReporter {
  constructor(
    private readonly events: SessionEventEmitter,
    private readonly clock: MfaClock,
  ) {}

  emit(req: Request, event: Without<PasskeyEvent>): void {
    this.events.emit({ ...event, ip: requestIp(req), timestamp: this.clock() } as PasskeyEvent);
  }
}
