import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Request } from 'express';
import { SessionEventEmitter } from '../events/session-event-emitter.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { SessionIdOperations } from './session-id-operations.js';
import type { SessionMeta } from '../session.types.js';
import { bindingMismatches, clientOf, type BindingMismatch } from './client-binding.js';
import { isRotationDue, rotateIfDue } from '../rotation/rotation-due.js';
import { SESSION_ENGINE } from '../session.internal-constants.js';
import type { SessionRepository } from '../store/session-repository.js';
import { sessionStateOf, type RequestSessionState } from './request-session-state.js';
import type { SessionEngine } from './session-engine.js';
import { expiryReason } from './session-deadline.js';
import { SessionMonitor } from '../monitoring/session-monitor.js';

/**
 * The per-request checks, run once after the session is loaded and before any guard:
 * deadlines, client binding, ID rotation, activity. A dead session is destroyed and the
 * request goes on with an empty anonymous one.
 */
@Injectable()
export class SessionChecks {
  private readonly repository: SessionRepository;

  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    @Inject(SESSION_ENGINE) engine: SessionEngine,
    private readonly ids: SessionIdOperations,
    private readonly events: SessionEventEmitter,
    @Optional() private readonly monitor?: SessionMonitor,
  ) {
    this.repository = engine.repository;
  }

  /**
   * Returns a promise only when the request must wait for the store (a session to end, an ID
   * to rotate); most requests need nothing from it and go on synchronously, without a promise hop.
   */
  check(req: Request): Promise<void> | undefined {
    const meta = req.session?.meta;
    const state = sessionStateOf(req);
    if (!meta || !state) return undefined;
    const now = Date.now();

    // The store TTL equals the deadline, so a dead record is normally gone already; this check
    // is what enforces the timeouts whatever the store does (coarse TTLs, a replica, a clock).
    const expired = expiryReason(req.session, this.options, now);
    if (expired) {
      // An anonymous session's end is no security event.
      if (req.session.auth) this.events.emitFor(req, { type: 'session.expired', reason: expired });
      return this.ids.terminate(req);
    }

    const mismatches = bindingMismatches(meta, clientOf(req), this.options);
    if (mismatches.some((m) => m.policy === 'strict')) {
      for (const mismatch of mismatches) this.report(req, mismatch);
      return this.ids.terminate(req);
    }
    this.reportOnce(req, meta, mismatches);

    // Monitoring: a promise only when the session's IP changed (a lookup, perhaps an action).
    const monitored = this.monitor?.check(req);
    if (monitored) return monitored.then(() => (req.session?.auth ? this.afterClientChecks(req, state, now) : undefined));
    return this.afterClientChecks(req, state, now);
  }

  /** Rotation when due, else the activity timestamp; neither on a grace request. */
  private afterClientChecks(req: Request, state: RequestSessionState, now: number): Promise<void> | undefined {
    const meta = req.session.meta!;
    if (state.isGrace) return undefined;
    if (isRotationDue(meta, this.options, now)) return this.rotate(req, state, now);
    this.recordActivity(req, now);
    return undefined;
  }

  private async rotate(req: Request, state: RequestSessionState, now: number): Promise<void> {
    const rotation = { ids: this.ids, repository: this.repository, options: this.options };
    if (await rotateIfDue(req, state, rotation, now)) {
      this.events.emitFor(req, { type: 'session.rotated' });
    }
    if (!state.isGrace) this.recordActivity(req, now);
  }

  /** A throttled write: between two, a read costs one store command (the load). */
  private recordActivity(req: Request, now: number): void {
    const current = req.session?.meta;
    if (current && now - current.lastSeenAt >= this.options.activityWriteInterval) current.lastSeenAt = now;
  }

  /**
   * `warn` mismatches: one event per new value, remembered in the session so that a mobile
   * user's changed IP is reported once and not on every request.
   */
  private reportOnce(req: Request, meta: SessionMeta, mismatches: readonly BindingMismatch[]): void {
    if (mismatches.length === 0 && meta.reported === undefined) return;
    const reported = { ...meta.reported };
    let changed = false;
    for (const attribute of ['ip', 'userAgent'] as const) {
      const mismatch = mismatches.find((m) => m.attribute === attribute);
      if (mismatch && reported[attribute] !== mismatch.actual) {
        this.report(req, mismatch);
        reported[attribute] = mismatch.actual;
        changed = true;
      } else if (!mismatch && reported[attribute] !== undefined) {
        delete reported[attribute];
        changed = true;
      }
    }
    if (!changed) return;
    const { reported: _previous, ...rest } = meta;
    req.session.meta = Object.keys(reported).length > 0 ? { ...rest, reported } : rest;
  }

  private report(req: Request, mismatch: BindingMismatch): void {
    this.events.emitFor(req, { type: 'session.binding_mismatch', ...mismatch });
  }
}
