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
        // With `unset: 'destroy'`, express-session destroys a session it could not load when
        // the response ends (req.session is empty): a store hiccup, or a command still queued
        // behind a failover, would then log the user out. Without an ID there is nothing to destroy.
        delete (req as { sessionID?: string }).sessionID;
        return next();
      }
      this.checkLifecycle(req).then(
        () => next(),
        (lifecycleError: unknown) => {
          this.logger.error(`session store failed during lifecycle checks: ${describe(lifecycleError)}`);
          markStoreUnavailable(req);
          next();
        },
      );
    });
  }

  /** Kills dead sessions and records activity at a throttled rate. */
  private async checkLifecycle(req: Request): Promise<void> {
    const session = req.session;
    if (!session?.meta) return;
    const now = Date.now();
    if (isExpired(session, this.options, now)) {
      // A fresh, empty session under a new ID: the request goes on as anonymous.
      await new Promise<void>((resolve, reject) => session.regenerate((e) => (e ? reject(e) : resolve())));
      return;
    }
    if (now - session.meta.lastSeenAt >= this.options.activityWriteInterval) {
      session.meta.lastSeenAt = now;
    }
  }
}

/** An error's name and message only: store errors can echo keys, never session IDs here (keys are hashed). */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
