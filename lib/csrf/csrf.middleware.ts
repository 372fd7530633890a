import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CsrfRefusedException } from '../errors/csrf.exceptions.js';
import { cookieValue } from '../http/signed-session-cookie.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { csrfRefusal, isSafeMethod, type RequestProvenance } from './csrf-policy.js';

/**
 * Mounted by SessionModule ahead of the session on every route (unless `csrf: false`): a
 * refused request never loads, rotates or writes a session. The refusal goes to the app's
 * exception filters as a {@link CsrfRefusedException} (403 `{ error: 'csrf', message }`).
 *
 * Why not Nest's `app.enableCsrfProtection()`: it compares Origin with the Host header only,
 * which behind a proxy is the internal host; this takes the configured public origins.
 */
@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  constructor(
    @Inject(RESOLVED_SESSION_OPTIONS) private readonly options: Pick<ResolvedSessionOptions, 'csrf' | 'cookie'>,
  ) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    const { csrf } = this.options;
    // Most requests are reads: pass them before parsing the Cookie header for provenance.
    if (csrf === false || isSafeMethod(req.method)) return next();
    const refusal = csrfRefusal(this.provenanceOf(req), {
      allowedOrigins: csrf.allowedOrigins,
      ownOrigin: () => ownOrigin(req),
      requireOrigin: csrf.requireOrigin,
    });
    if (refusal === undefined) return next();
    next(new CsrfRefusedException(refusal));
  }

  private provenanceOf(req: Request): RequestProvenance {
    const { headers } = req;
    return {
      method: req.method,
      origin: headers.origin,
      referer: headers.referer,
      fetchSite: single(headers['sec-fetch-site']),
      bearer: /^Bearer\s/i.test(headers.authorization ?? ''),
      sessionCookie: cookieValue(headers.cookie, this.options.cookie.name) !== undefined,
    };
  }
}

/**
 * The request's own origin as the browser would write it; undefined without a Host header.
 * `req.protocol` and `req.host` follow `trust proxy` (X-Forwarded-Proto and -Host from a trusted hop).
 */
function ownOrigin(req: Request): string | undefined {
  const host = req.host;
  return host ? `${req.protocol}://${host.toLowerCase()}` : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
