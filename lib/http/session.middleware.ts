import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SESSION_MIDDLEWARE } from '../session.internal-constants.js';
import { guardSessionCookie } from './session-cookie-guard.js';
import { SessionLifecycle } from './session-lifecycle.js';
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
    private readonly lifecycle: SessionLifecycle,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    let passed = false;
    const proceed = () => {
      passed = true;
      next();
    };
    this.expressSession(req, res, (err?: unknown) => {
      if (passed) {
        // express-session reports a failed end-of-response save through this same callback,
        // after the route ran: log it, never run the route a second time.
        if (err) this.logger.error(`session store failed while saving a session: ${describe(err)}`);
        return;
      }
      if (err) {
        this.logger.error(`session store failed while loading a session: ${describe(err)}`);
        markStoreUnavailable(req);
        // With `unset: 'destroy'`, express-session destroys the session of a request that ends
        // with an ID and no session: a failed load would delete a healthy session once the
        // store answers again. Without the ID there is nothing to destroy.
        req.sessionID = undefined as unknown as string;
        return proceed();
      }
      guardSessionCookie(req, res);
      const pending = this.lifecycle.check(req);
      // Most requests need nothing from the store here: go on at once, without a promise hop.
      if (!pending) return proceed();
      pending.then(proceed, (lifecycleError: unknown) => {
        this.logger.error(`session store failed during lifecycle checks: ${describe(lifecycleError)}`);
        markStoreUnavailable(req);
        proceed();
      });
    });
  }
}

/** An error's name and message only: store errors can echo keys, never session IDs here (keys are hashed). */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
