import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RESOLVED_SESSION_OPTIONS, SESSION_MIDDLEWARE } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../session.options.js';
import { isExpired } from './session-lifetime.js';
import { markStoreUnavailable } from './store-availability.js';

/**
 * Mounted by SessionModule on every route: loads the session through express-session, then
 * runs the per-request lifecycle checks once. A store failure never fails the request here:
 * the request goes on without a session and guards answer 503 where a session is needed.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly logger = new Logger('SessionModule');

  constructor(
    @Inject(SESSION_MIDDLEWARE) private readonly expressSession: RequestHandler,
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.expressSession(req, res, (err?: unknown) => {
      if (err) {
        this.logger.error(`session store failed while loading a session: ${describe(err)}`);
        markStoreUnavailable(req);
        return next();
      }
      const pending = this.checkLifecycle(req);
      // Most requests need nothing from the store here: go on at once, without a promise hop.
      if (!pending) return next();
      pending.then(
        () => next(),
        (lifecycleError: unknown) => {
          this.logger.error(`session store failed during lifecycle checks: ${describe(lifecycleError)}`);
          markStoreUnavailable(req);
          next();
        },
      );
    });
  }

  /**
   * Kills dead sessions and records activity at a throttled rate. Returns a promise only when
   * it has to wait for the store (a dead session is regenerated).
   */
  private checkLifecycle(req: Request): Promise<void> | undefined {
    const session = req.session;
    if (!session?.meta) return undefined;
    const now = Date.now();
    if (isExpired(session, this.options, now)) {
      // A fresh, empty session under a new ID: the request goes on as anonymous.
      return new Promise<void>((resolve, reject) => session.regenerate((e) => (e ? reject(e) : resolve())));
    }
    if (now - session.meta.lastSeenAt >= this.options.activityWriteInterval) {
      session.meta.lastSeenAt = now;
    }
    return undefined;
  }
}

/** An error's name and message only: store errors can echo keys, never session IDs here (keys are hashed). */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
