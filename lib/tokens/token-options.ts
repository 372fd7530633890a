import { SessionOptionsError } from '../errors/session-options.error.js';
import type { OptionWarnings } from '../options/resolved-session-options.js';
import { SESSION_DEFAULTS, SESSION_OPTION_LIMITS as LIMITS } from '../options/session-defaults.js';
import { optionValueText } from '../util/option-value-text.js';
import { resolveTokenKeys, type AccessTokenKey, type ResolvedTokenKey } from './token-keys.js';

/** Session-bound access tokens (docs/tokens.md). */
export interface TokenOptions {
  /**
   * Signing keys (JWK or PEM). The first signs; all verify and are published at
   * `/.well-known/jwks.json`. Rotate by putting a new key first (see docs/tokens.md).
   */
  keys: AccessTokenKey[];
  /** The `iss` claim of every token, checked on every verification (usually the app's origin). */
  issuer: string;
  /**
   * The `aud` claim: who the tokens are for. Verification accepts a token whose `aud` holds
   * any of these.
   * @default issuer
   */
  audience?: string | string[];
  /**
   * How long a token lives (ms), never longer than the session's own remaining lifetime (its
   * idle and absolute deadlines). 10 s to 1 hour; a longer one logs a warning.
   * @default 300_000 (5 minutes)
   */
  ttl?: number;
  /**
   * How far clocks of other machines may be off when `exp` is checked (ms), 0 to 60_000.
   * @default 5_000
   */
  clockTolerance?: number;
  /**
   * Serve the JWKS at `GET /.well-known/jwks.json`. `false`: serve `SessionTokens.jwks()` yourself.
   * @default true
   */
  serveJwks?: boolean;
}

/** Token options after validation. */
export interface ResolvedTokenOptions {
  /** First = the signing key. */
  keys: readonly ResolvedTokenKey[];
  issuer: string;
  audience: string[];
  ttl: number;
  clockTolerance: number;
  serveJwks: boolean;
}

const TOKEN_DEFAULTS = SESSION_DEFAULTS.tokens;
const TOKEN_LIMITS = {
  minTtl: LIMITS.minTokenTtl,
  maxTtl: LIMITS.maxTokenTtl,
  maxClockTolerance: LIMITS.maxTokenClockTolerance,
};

/** Validates `tokens`, naming every problem in one SessionOptionsError. */
export function resolveTokenOptions(tokens: TokenOptions, warnings: OptionWarnings): ResolvedTokenOptions {
  if (typeof tokens !== 'object' || tokens === null) {
    throw new SessionOptionsError('tokens must be { keys, issuer, audience?, ttl?, clockTolerance?, serveJwks? }.');
  }
  const problems: string[] = [];
  const keys = resolveTokenKeys(tokens.keys, problems);
  const issuer = tokens.issuer;
  if (typeof issuer !== 'string' || issuer.length === 0 || issuer.length > 1024) {
    problems.push(`tokens.issuer must be a non-empty string (usually the app's origin), not ${optionValueText(issuer)}.`);
  }
  const given = tokens.audience ?? issuer;
  const audience = typeof given === 'string' ? [given] : Array.isArray(given) ? Array.from(given as unknown[]) : [];
  if (audience.length === 0 || !audience.every((a) => typeof a === 'string' && a.length > 0 && a.length <= 1024)) {
    problems.push(`tokens.audience must be a non-empty string or list of them, not ${optionValueText(tokens.audience)}.`);
  }
  const ttl = tokens.ttl ?? TOKEN_DEFAULTS.ttl;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < TOKEN_LIMITS.minTtl || ttl > TOKEN_LIMITS.maxTtl) {
    problems.push(`tokens.ttl must be a number of milliseconds from ${TOKEN_LIMITS.minTtl} to ${TOKEN_LIMITS.maxTtl}, not ${optionValueText(ttl)}.`);
  } else if (ttl > TOKEN_DEFAULTS.ttl) {
    warnings.warn(
      `tokens.ttl is ${ttl} ms (default ${TOKEN_DEFAULTS.ttl}): a leaked token is usable longer (until its session ends, at most).`,
    );
  }
  const clockTolerance = tokens.clockTolerance ?? TOKEN_DEFAULTS.clockTolerance;
  if (typeof clockTolerance !== 'number' || !Number.isFinite(clockTolerance) || clockTolerance < 0 || clockTolerance > TOKEN_LIMITS.maxClockTolerance) {
    problems.push(`tokens.clockTolerance must be a number of milliseconds from 0 to ${TOKEN_LIMITS.maxClockTolerance}, not ${optionValueText(clockTolerance)}.`);
  }
  const serveJwks = tokens.serveJwks ?? TOKEN_DEFAULTS.serveJwks;
  if (typeof serveJwks !== 'boolean') problems.push(`tokens.serveJwks must be true or false, not ${optionValueText(serveJwks)}.`);
  if (problems.length > 0) throw new SessionOptionsError(problems);
  return {
    keys,
    issuer,
    audience: audience as string[],
    ttl: Math.floor(ttl),
    clockTolerance: Math.floor(clockTolerance),
    serveJwks,
  };
}
