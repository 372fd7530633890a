import { SessionOptionsError } from '../errors/session-options.error.js';
import type { OptionWarnings } from '../options/resolved-session-options.js';
import { SESSION_DEFAULTS } from '../options/session-defaults.js';
import { optionValueText } from '../util/option-value-text.js';

/**
 * Whether a user enrolled in the module's TOTP MFA must still pass it after an OpenID Connect
 * login: `trust-provider` skips it when the ID token says the provider did MFA (`amr` or
 * `acr`, see {@link OidcOptions.mfaAcrValues}); `always` asks every time.
 */
export type OidcMfaPolicy = 'trust-provider' | 'always';

/** Single sign-on and single sign-out with one OpenID Provider (see docs/single-sign-on.md). */
export interface OidcOptions {
  /** The provider's issuer identifier (`https://idp.example.com/realms/main`); discovery reads `/.well-known/openid-configuration` under it. */
  issuer: string;
  clientId: string;
  /** The client secret (`client_secret_basic`); omit for a public client (PKCE only). */
  clientSecret?: string;
  /** Where the provider sends the browser back with the code: your callback route, registered at the provider. */
  redirectUri: string;
  /** Where the provider sends the browser after RP-initiated logout; must be registered at the provider. */
  postLogoutRedirectUri?: string;
  /**
   * Scopes asked for at login.
   * @default 'openid'
   */
  scope?: string;
  /**
   * The path the provider POSTs back-channel logout tokens to (register `<origin><path>` as the
   * client's `backchannel_logout_uri`). The module answers it itself, ahead of the CSRF check
   * and the session: it is a server-to-server call without cookie or Origin.
   * @default '/oidc/backchannel-logout'
   */
  backchannelLogoutPath?: string;
  /**
   * The oldest a logout token without `exp` may be (from its `iat`), in milliseconds.
   * @default 120_000 (2 minutes, the lifetime the spec encourages)
   */
  logoutTokenMaxAge?: number;
  /**
   * Clock skew allowed between the provider and this server when checking `iat` and `exp`.
   * @default 5_000
   */
  clockTolerance?: number;
  /**
   * How long a started login (state, nonce, PKCE verifier in the pre-login session) may take to
   * come back; also how long a logged-out provider session is remembered so that a login
   * still completing for it is refused.
   * @default 600_000 (10 minutes)
   */
  loginTimeout?: number;
  /**
   * Whether MFA is still asked after an OpenID Connect login (see {@link OidcMfaPolicy}).
   * @default 'trust-provider'
   */
  mfaAfterLogin?: OidcMfaPolicy;
  /**
   * `acr` values that mean the provider did multi-factor authentication (besides an `amr`
   * naming a second factor).
   * @default ['http://schemas.openid.net/pape/policies/2007/06/multi-factor', 'phr', 'phrh']
   */
  mfaAcrValues?: string[];
  /**
   * LOOSENS SECURITY, development and tests only: talk to an `http://` provider. Refused in
   * production; logs a warning.
   * @default false
   */
  allowInsecureRequests?: boolean;
}

/** `oidc` after validation and defaulting. */
export interface ResolvedOidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  postLogoutRedirectUri: string | undefined;
  scope: string;
  backchannelLogoutPath: string;
  logoutTokenMaxAge: number;
  clockTolerance: number;
  loginTimeout: number;
  mfaAfterLogin: OidcMfaPolicy;
  mfaAcrValues: ReadonlySet<string>;
  allowInsecureRequests: boolean;
}

const MFA_POLICIES: readonly OidcMfaPolicy[] = ['trust-provider', 'always'];
const PATH_SHAPE = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Validates `oidc`, naming every problem in one SessionOptionsError. */
export function resolveOidcOptions(
  oidc: OidcOptions | undefined,
  context: { production: boolean; warnings: OptionWarnings },
): ResolvedOidcOptions | undefined {
  if (oidc === undefined) return undefined;
  if (typeof oidc !== 'object' || oidc === null) {
    throw new SessionOptionsError('oidc must be { issuer, clientId, redirectUri, ... }.');
  }
  const defaults = SESSION_DEFAULTS.oidc;
  const problems: string[] = [];
  const allowInsecureRequests = oidc.allowInsecureRequests === true;
  if (oidc.allowInsecureRequests !== undefined && typeof oidc.allowInsecureRequests !== 'boolean') {
    problems.push(`oidc.allowInsecureRequests must be true or false, not ${optionValueText(oidc.allowInsecureRequests)}.`);
  }
  if (allowInsecureRequests && context.production) {
    problems.push('oidc.allowInsecureRequests is for development only; serve the provider over HTTPS in production.');
  }
  if (allowInsecureRequests) {
    context.warnings.warn('oidc.allowInsecureRequests is on: the OpenID Provider may be reached over plain HTTP. Never use this in production.');
  }
  const url = (name: string, value: unknown, required: boolean): string | undefined => {
    if (value === undefined && !required) return undefined;
    const parsed = typeof value === 'string' ? parseUrl(value) : undefined;
    const okScheme = parsed && (parsed.protocol === 'https:' || (allowInsecureRequests && parsed.protocol === 'http:'));
    if (!parsed || !okScheme || parsed.hash !== '') {
      problems.push(`oidc.${name} must be an https:// URL without a fragment${allowInsecureRequests ? ' (or http://)' : ''}, not ${optionValueText(value)}.`);
      return undefined;
    }
    return value as string;
  };
  const issuer = url('issuer', oidc.issuer, true);
  const redirectUri = url('redirectUri', oidc.redirectUri, true);
  const postLogoutRedirectUri = url('postLogoutRedirectUri', oidc.postLogoutRedirectUri, false);
  const text = (name: string, value: unknown, required: boolean): string | undefined => {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 1024 || !value.isWellFormed()) {
      problems.push(`oidc.${name} must be a non-empty string, not ${optionValueText(value)}.`);
      return undefined;
    }
    return value;
  };
  const clientId = text('clientId', oidc.clientId, true);
  const clientSecret = text('clientSecret', oidc.clientSecret, false);
  const scope = text('scope', oidc.scope, false) ?? defaults.scope;
  if (!scope.split(' ').includes('openid')) problems.push(`oidc.scope must include openid, not ${optionValueText(scope)}.`);
  const path = oidc.backchannelLogoutPath ?? defaults.backchannelLogoutPath;
  if (typeof path !== 'string' || !PATH_SHAPE.test(path) || path.length > 256) {
    problems.push(`oidc.backchannelLogoutPath must be a path like /oidc/backchannel-logout, not ${optionValueText(path)}.`);
  }
  const ms = (name: string, value: unknown, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`oidc.${name} must be a whole number of milliseconds from ${min} to ${max}, not ${optionValueText(value)}.`);
      return fallback;
    }
    return value;
  };
  const logoutTokenMaxAge = ms('logoutTokenMaxAge', oidc.logoutTokenMaxAge, defaults.logoutTokenMaxAge, 1_000, 60 * 60_000);
  const clockTolerance = ms('clockTolerance', oidc.clockTolerance, defaults.clockTolerance, 0, 5 * 60_000);
  const loginTimeout = ms('loginTimeout', oidc.loginTimeout, defaults.loginTimeout, 10_000, 60 * 60_000);
  if (logoutTokenMaxAge > defaults.logoutTokenMaxAge) {
    context.warnings.warn(`oidc.logoutTokenMaxAge is ${logoutTokenMaxAge} ms (default ${defaults.logoutTokenMaxAge}): older logout tokens without exp are accepted.`);
  }
  const mfaAfterLogin = oidc.mfaAfterLogin ?? defaults.mfaAfterLogin;
  if (!MFA_POLICIES.includes(mfaAfterLogin)) {
    problems.push(`oidc.mfaAfterLogin must be ${MFA_POLICIES.join(' or ')}, not ${optionValueText(mfaAfterLogin)}.`);
  }
  const acr = oidc.mfaAcrValues ?? DEFAULT_MFA_ACR_VALUES;
  if (!Array.isArray(acr) || !acr.every((value) => typeof value === 'string' && value.length > 0)) {
    problems.push(`oidc.mfaAcrValues must be a list of strings, not ${optionValueText(acr)}.`);
  }
  if (problems.length > 0) throw new SessionOptionsError(problems);
  return {
    issuer: issuer!,
    clientId: clientId!,
    clientSecret,
    redirectUri: redirectUri!,
    postLogoutRedirectUri,
    scope,
    backchannelLogoutPath: path,
    logoutTokenMaxAge,
    clockTolerance,
    loginTimeout,
    mfaAfterLogin,
    mfaAcrValues: new Set(acr),
    allowInsecureRequests,
  };
}

/** OpenID PAPE multi-factor and the phishing-resistant levels. */
export const DEFAULT_MFA_ACR_VALUES: readonly string[] = [
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  'phr',
  'phrh',
];

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
