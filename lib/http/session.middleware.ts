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
    let pending: Promise<void> | undefined;
    try {
      pending = this.checks.check(req);
    } catch (checkError) {
      // A record the checks cannot read (its module fields of the wrong types: only someone with
      // write access to the store makes one) is never trusted, and never hangs the request.
      return this.checksFailed(req, next, checkError);
    }
    if (!pending) return next();
    pending.then(
      () => next(),
      (checkError: unknown) => this.checksFailed(req, next, checkError),
    );
  }

  /** The request goes on without a usable session: guarded routes answer 503. */
  private checksFailed(req: Request, next: NextFunction, checkError: unknown): void {
    this.logger.error(`session checks failed: ${describeError(checkError)}`);
    markStoreUnavailable(req);
    next();
  }
}
