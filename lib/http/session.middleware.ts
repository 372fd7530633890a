import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_ENGINE } from '../session.internal-constants.js';
import type { SessionEngine } from './session-engine.js';
import { SessionChecks } from './session-checks.js';
import { markStoreUnavailable } from './store-availability.js';
import { sessionStateOf } from './request-session-state.js';
import { describeError } from '../errors/describe-error.js';

/**
 * Mounted by SessionModule on every route: loads the session (SessionEngine), then runs the
 * per-request checks once (deadlines, binding, rotation, activity). A store failure never
 * fails the request here: the request goes on without a session and guards answer 503 where a
 * session is needed.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly logger = new Logger('SessionModule');

  constructor(
    @Inject(SESSION_ENGINE) private readonly engine: SessionEngine,
    private readonly checks: SessionChecks,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    // Mounted twice (two SessionModules, or once more by hand): the first one owns the request.
    if (sessionStateOf(req)) return next();
    const loading = this.engine.open(req, res);
    // Most requests need nothing from the store but the load: no promise hop where there is none.
    if (!loading) return this.runChecks(req, next);
    loading.then(() => this.runChecks(req, next));
  }

  private runChecks(req: Request, next: NextFunction): void {
    if (!req.session) return next();
    const pending = this.checks.check(req);
    if (!pending) return next();
    pending.then(
      () => next(),
      (checkError: unknown) => {
        this.logger.error(`session store failed during the session checks: ${describeError(checkError)}`);
        markStoreUnavailable(req);
        next();
      },
    );
  }
}
