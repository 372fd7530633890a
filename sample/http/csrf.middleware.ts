import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendApiError } from './api-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a state-changing request must be refused as cross-site, or undefined when it may pass.
 * A request carrying neither header is not from a browser (no ambient cookie to abuse) and passes.
 */
export function crossSiteRefusal(
  origin: string | undefined,
  fetchSite: string | undefined,
  appOrigin: string,
): string | undefined {
  if (fetchSite === 'cross-site') return 'Cross-site request refused (Sec-Fetch-Site: cross-site).';
  if (fetchSite === 'same-site' && origin !== appOrigin) {
    return 'Request from another origin of this site refused (Sec-Fetch-Site: same-site).';
  }
  if (origin !== undefined && origin !== appOrigin) return 'Request from another origin refused (Origin does not match).';
  return undefined;
}

/**
 * CSRF defence for POST, PUT, PATCH and DELETE, from what the browser says about where a request
 * comes from (Fetch Metadata and Origin); runs before the session is even loaded, so a refused
 * request changes nothing.
 *
 * Why not Nest's `app.enableCsrfProtection()`: it compares Origin with the Host header, which
 * behind a proxy is the internal host and under DNS rebinding is the attacker's own name; this
 * compares with APP_ORIGIN, the public origin, exactly as docs/SAMPLE-HTTP.md says. Its refusal
 * is also Nest's generic 403 body, not `{ error: 'csrf' }`.
 */
export function csrfMiddleware(appOrigin: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    // Repeated headers arrive joined with ", ", so they never equal APP_ORIGIN: refused.
    const refusal = crossSiteRefusal(req.get('origin'), req.get('sec-fetch-site'), appOrigin);
    if (refusal === undefined) return next();
    sendApiError(res, 403, 'csrf', refusal);
  };
}
