import { Inject, Injectable, Logger } from '@nestjs/common';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../session.options.js';
import type { MfaEvent } from './mfa.event.js';

/**
 * Every security event the module reports. A union keyed by `type`, so more kinds (session
 * lifecycle, devices) join without breaking listeners that switch on `type`.
 */
export type SessionEvent = MfaEvent;

/** Receives events; may be async. Its errors are logged, never thrown into the request. */
export type SessionEventListener = (event: SessionEvent) => void | Promise<void>;

/**
 * The typed hook for security events: the `onEvent` option receives each one, and so does
 * any listener added with {@link subscribe} (inject `SessionEvents`). Events are also logged,
 * one line each, by the `SessionEvents` logger; they hold no codes, secrets or session IDs.
 */
@Injectable()
export class SessionEvents {
  private readonly logger = new Logger('SessionEvents');
  private readonly listeners = new Set<SessionEventListener>();

  constructor(@Inject(RESOLVED_SESSION_OPTIONS) options: Pick<ResolvedSessionOptions, 'onEvent'>) {
    if (options.onEvent) this.listeners.add(options.onEvent);
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: SessionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reports an event to every listener without waiting for them. */
  emit(event: SessionEvent): void {
    const line = JSON.stringify(event);
    if (isFailure(event)) this.logger.warn(line);
    else this.logger.log(line);
    for (const listener of this.listeners) {
      try {
        Promise.resolve(listener(event)).catch((err: unknown) => this.listenerFailed(err));
      } catch (err) {
        this.listenerFailed(err);
      }
    }
  }

  private listenerFailed(err: unknown): void {
    this.logger.error(`an event listener failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
}

function isFailure(event: SessionEvent): boolean {
  return ['failed', 'replay_refused', 'locked', 'refused_locked'].includes(event.outcome);
}
