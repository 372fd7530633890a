import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../session.options.js';

/**
 * Who an event is about. Never a session ID or cookie value: `handle` is the public device
 * handle, safe to log and to show to the user.
 */
export interface SessionEventSubject {
  /** The authenticated user, undefined for an anonymous session. */
  userId: string | undefined;
  /** The session's public device handle. */
  handle: string | undefined;
  /** The request's client IP (`req.ip`). */
  ip: string | undefined;
  /** The request's User-Agent. */
  userAgent: string | undefined;
}

interface EventBase<T extends string> extends SessionEventSubject {
  type: T;
  at: Date;
}

/** A client attribute differs from the one recorded at login (see the `binding` option). */
export interface BindingMismatchEvent extends EventBase<'session.binding_mismatch'> {
  attribute: 'userAgent' | 'ip';
  /** `warn`: reported, the session goes on; `strict`: the session was destroyed. */
  policy: 'warn' | 'strict';
  /** The value recorded for the session. */
  expected: string;
  /** The value this request came with. */
  actual: string;
}

/** The session ID was rotated (see `rotateInterval`); the handle stays the same. */
export type SessionRotatedEvent = EventBase<'session.rotated'>;

/** Every security event the module emits. */
export type SessionSecurityEvent = BindingMismatchEvent | SessionRotatedEvent;

export type SessionSecurityEventListener = (event: SessionSecurityEvent) => void | Promise<void>;

/** The event body without the common fields the emitter fills in. */
export type SessionSecurityEventInit = SessionSecurityEvent extends infer E
  ? E extends SessionSecurityEvent
    ? Omit<E, keyof SessionEventSubject | 'at'>
    : never
  : never;

/**
 * The module's security event bus. Listeners come from the `onSecurityEvent` option and from
 * `subscribe()`; a failing listener is logged and never affects the request.
 */
@Injectable()
export class SessionEvents {
  private readonly logger = new Logger('SessionModule');
  private readonly listeners = new Set<SessionSecurityEventListener>();

  constructor(@Inject(RESOLVED_SESSION_OPTIONS) options: Pick<ResolvedSessionOptions, 'onSecurityEvent'>) {
    if (options.onSecurityEvent) this.listeners.add(options.onSecurityEvent);
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: SessionSecurityEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits an event about the request's session (subject fields are taken from the request). */
  emitFor(req: Request, event: SessionSecurityEventInit): void {
    this.emit({ ...event, ...subjectOf(req), at: new Date() } as SessionSecurityEvent);
  }

  emit(event: SessionSecurityEvent): void {
    for (const listener of this.listeners) {
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.failed(event, err));
      } catch (err) {
        this.failed(event, err);
      }
    }
  }

  private failed(event: SessionSecurityEvent, err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.logger.error(`a security event listener failed on ${event.type}: ${reason}`);
  }
}

function subjectOf(req: Request): SessionEventSubject {
  return {
    userId: req.session?.auth?.user.id,
    handle: req.session?.meta?.handle,
    ip: req.ip,
    userAgent: req.get('user-agent'),
  };
}
