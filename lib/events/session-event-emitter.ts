import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { AnomalyEvent } from '../monitoring/anomaly.event.js';
import type { MfaEvent } from './mfa.event.js';
import type { PasskeyEvent } from './passkey.event.js';
import type { SessionEventSubject, SessionLifecycleEvent } from './session.event.js';
import { describeError } from '../errors/describe-error.js';
import { requestIp } from '../http/request-session-state.js';

/**
 * Every security event the module reports: a union keyed by `type` (`login`, `login_failed`,
 * `logout`, `mfa`, `passkey.*`, `session.expired`, `session.binding_mismatch`, `session.rotated`,
 * `session.revoked`, with sealed cookies `session.replayed`, and with `monitoring` `anomaly.location_jump`, `anomaly.impossible_travel`,
 * `anomaly.new_device`, `anomaly.risk`), so more kinds join
 * without breaking listeners that switch on `type`. Each has `userId`, `ip` and `timestamp`
 * (epoch ms); none holds a code, a secret, a session ID or a cookie value.
 */
export type SessionEvent = MfaEvent | PasskeyEvent | SessionLifecycleEvent | AnomalyEvent;

/** Receives events; may be async. Its errors are logged, never thrown into the request. */
export type SessionEventListener = (event: SessionEvent) => void | Promise<void>;

/** A session event without the fields {@link SessionEventEmitter.emitFor} fills in from the request. */
export type SessionEventInit = SessionLifecycleEvent extends infer E
  ? E extends SessionLifecycleEvent
    ? Omit<E, keyof SessionEventSubject | 'timestamp'>
    : never
  : never;

/**
 * The module's own side of the security events (internal: not exported, not injectable from
 * outside the module): it emits, and it holds the listeners, the `onEvent` option first. Each
 * event is also logged, one line, by the `SessionEvents` logger. Apps reach it only through
 * {@link SessionEvents}, which can subscribe and nothing else, so no app code can put a forged
 * event into the audit stream.
 */
@Injectable()
export class SessionEventEmitter {
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

  /** Emits an event about the request's session: userId, handle, ip and userAgent come from the request. */
  emitFor(req: Request, event: SessionEventInit): void {
    this.emit(this.eventFor(req, event));
  }

  /** The event {@link emitFor} would emit now: taken before a session ends, emitted once it has. */
  eventFor(req: Request, event: SessionEventInit): SessionEvent {
    return { ...event, ...subjectOf(req), timestamp: Date.now() } as SessionEvent;
  }

  /** Reports an event to every listener without waiting for them. */
  emit(event: SessionEvent): void {
    const line = JSON.stringify(event);
    if (isWarning(event)) this.logger.warn(line);
    else this.logger.log(line);
    for (const listener of this.listeners) {
      try {
        Promise.resolve(listener(event)).catch((err: unknown) => this.listenerFailed(event, err));
      } catch (err) {
        this.listenerFailed(event, err);
      }
    }
  }

  private listenerFailed(event: SessionEvent, err: unknown): void {
    this.logger.error(`an event listener failed on ${event.type}: ${describeError(err)}`);
  }
}

function isWarning(event: SessionEvent): boolean {
  if (event.type === 'passkey.failed') return true;
  if (event.type === 'mfa') return ['failed', 'replay_refused', 'locked', 'refused_locked'].includes(event.outcome);
  return (
    event.type === 'session.binding_mismatch' ||
    event.type === 'session.replayed' ||
    event.type === 'login_failed' ||
    event.type.startsWith('anomaly.')
  );
}

function subjectOf(req: Request): SessionEventSubject {
  return {
    userId: req.session?.auth?.user.id,
    handle: req.session?.meta?.handle,
    ip: requestIp(req),
    userAgent: req.get('user-agent'),
  };
}
