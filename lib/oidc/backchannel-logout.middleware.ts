import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InvalidLogoutTokenError } from './logout-token.js';
import { readFormBody } from './form-body.js';
import { RESOLVED_OIDC_OPTIONS } from './oidc.constants.js';
import type { ResolvedOidcOptions } from './oidc-options.js';
import { OidcService } from './oidc.service.js';

/**
 * The back-channel logout endpoint: `POST <oidc.backchannelLogoutPath>` with a form-encoded
 * `logout_token`. SessionModule mounts it ahead of the CSRF check and the session: the caller
 * is the provider's server, which sends neither a cookie nor an Origin, and the request must
 * not load or create a session. 200 with `Cache-Control: no-store` when the token is valid
 * (whether or not a session was linked to it), 400 `invalid_logout_token` otherwise, 503 when
 * the store or the provider cannot be reached (the provider may retry).
 */
@Injectable()
export class BackchannelLogoutMiddleware {
  private readonly logger = new Logger('SessionModule');

  constructor(
    @Inject(RESOLVED_OIDC_OPTIONS) private readonly options: ResolvedOidcOptions,
    private readonly oidc: OidcService,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'POST' || req.path !== this.options.backchannelLogoutPath) return next();
    this.handle(req, res).catch((err: unknown) => next(err));
  }

  private async handle(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const body = await readFormBody(req);
    if (type !== 'application/x-www-form-urlencoded') return refuse(res, 'the body must be application/x-www-form-urlencoded');
    if (body === undefined) return refuse(res, 'the body is too large');
    const tokens = new URLSearchParams(body).getAll('logout_token');
    if (tokens.length !== 1) return refuse(res, 'exactly one logout_token is required');
    try {
      const ended = await this.oidc.backchannelLogout(tokens[0]);
      this.logger.log(`Back-channel logout ended ${ended} session(s).`);
      res.status(200).end();
    } catch (err) {
      if (err instanceof InvalidLogoutTokenError) return refuse(res, err.message);
      if (err instanceof HttpException) {
        res.status(err.getStatus()).json(err.getResponse());
        return;
      }
      this.logger.warn(`Back-channel logout failed: ${err instanceof Error ? err.name : 'error'}`);
      res.status(503).json({ error: 'session_store_unavailable', message: 'The logout could not be recorded; retry.' });
    }
  }
}

function refuse(res: Response, message: string): void {
  res.status(400).json({ error: 'invalid_logout_token', message });
}
