import { SessionOptionsError } from '../errors/session-options.error.js';
import { optionValueText } from '../util/option-value-text.js';
import type { OptionWarnings } from '../options/resolved-session-options.js';

export interface CsrfOptions {
  /**
   * The origins (`scheme://host[:port]`, as browsers send them in `Origin`) that state-changing
   * requests may come from. Without it, a request must come from its own origin: the scheme
   * and host Express sees (`req.protocol` and `req.host`, so `trust proxy` applies: a trusted
   * proxy's X-Forwarded-Proto and X-Forwarded-Host). Set it behind a proxy that rewrites Host
   * without saying so, or when another origin of yours posts to this app.
   * @default [the request's own origin]
   */
  allowedOrigins?: string[];
  /**
   * Also refuse a state-changing request that carries the session cookie but none of
   * `Origin`, `Referer` and `Sec-Fetch-Site`. Every current browser sends at least one of them
   * on a POST, so by default such a request is taken for a non-browser client (no ambient
   * cookie an attacker's page could use) and passes.
   * @default false
   */
  requireOrigin?: boolean;
}

/** CSRF settings after validation: `false` when the app turned the check off. */
export type ResolvedCsrfOptions =
  | false
  | {
      /** Normalised origins, or undefined for "the request's own origin". */
      allowedOrigins: ReadonlySet<string> | undefined;
      requireOrigin: boolean;
    };

/** Validates `csrf`, naming every problem in one SessionOptionsError; `false` turns the check off, loudly. */
export function resolveCsrfOptions(csrf: CsrfOptions | false | undefined, warnings: OptionWarnings): ResolvedCsrfOptions {
  if (csrf === false) {
    warnings.warn(
      'csrf is false: the module does not check where state-changing requests come from. Protect every cookie-authenticated POST, PUT, PATCH and DELETE yourself.',
    );
    return false;
  }
  if (csrf === undefined) return { allowedOrigins: undefined, requireOrigin: false };
  if (typeof csrf !== 'object' || csrf === null) {
    throw new SessionOptionsError('csrf must be { allowedOrigins?, requireOrigin? } or false.');
  }
  const problems: string[] = [];
  const { allowedOrigins, requireOrigin = false } = csrf;
  if (typeof requireOrigin !== 'boolean') {
    problems.push(`csrf.requireOrigin must be true or false, not ${optionValueText(requireOrigin)}.`);
  }
  let origins: ReadonlySet<string> | undefined;
  if (allowedOrigins !== undefined && (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0)) {
    problems.push('csrf.allowedOrigins must be a non-empty list of origins like https://app.example.com.');
  } else if (allowedOrigins !== undefined) {
    const normalised = allowedOrigins.map((value: unknown) => normaliseOrigin(value, problems));
    origins = new Set(normalised.filter((origin): origin is string => origin !== undefined));
  }
  if (problems.length > 0) throw new SessionOptionsError(problems);
  return { allowedOrigins: origins, requireOrigin };
}

/** `https://App.example.com/` -> `https://app.example.com`; anything that is not an http(s) origin is a problem. */
function normaliseOrigin(value: unknown, problems: string[]): string | undefined {
  const shaped = typeof value === 'string' && /^https?:\/\/[^/?#@\s]+\/?$/i.test(value);
  const url = shaped ? parseUrl(value) : undefined;
  if (!url || url.origin === 'null') {
    problems.push(
      `csrf.allowedOrigins entries must be origins like https://app.example.com (scheme and host, no path), not ${optionValueText(value)}.`,
    );
    return undefined;
  }
  return url.origin;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
