import { Injectable } from '@nestjs/common';
import { SessionEventEmitter, type SessionEventListener } from './session-event-emitter.js';

export type { SessionEvent, SessionEventListener } from './session-event-emitter.js';

/**
 * The typed hook for security events: the `onEvent` option receives each one, and so does
 * any listener added here (inject `SessionEvents`). Apps subscribe only: only the module emits,
 * so the audit stream carries what the module reported and nothing an app made up.
 */
@Injectable()
export class SessionEvents {
  /** A runtime-private field: no cast reaches the emitter through this object. */
  readonly #emitter: SessionEventEmitter;

  constructor(emitter: SessionEventEmitter) {
    this.#emitter = emitter;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: SessionEventListener): () => void {
    return this.#emitter.subscribe(listener);
  }
}
