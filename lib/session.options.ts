import type { SessionStore } from './store/session-store.interface.js';
import type { RedisStoreOptions } from './store/redis-session.store.js';
import type { MfaSecretStore } from './mfa/mfa-secret-store.interface.js';

export type SameSitePolicy = 'lax' | 'strict' | 'none';

export interface SessionCookieOptions {
  /**
   * Cookie name. Over HTTPS the `__Host-` prefix makes browsers refuse a cookie that is not
   * Secure, has a Domain, or a Path other than `/` (RFC 6265bis 4.1.3.2).
   * @default '__Host-sid'
   */
  name?: string;
  /**
   * SameSite attribute. `none` requires Secure and is refused otherwise.
   * @default 'lax'
   */
  sameSite?: SameSitePolicy;
}

export interface MfaOptions {
  /** Where each user's TOTP secret lives: implemented by the app. */
  secretStore: MfaSecretStore;
  /**
   * The issuer shown by authenticator apps (`otpauth://totp/Issuer:user?issuer=Issuer`).
   * @default 'nest-secure-session'
   */
  issuer?: string;
  /**
   * How many 30-second steps before the current one are still accepted (clock drift).
   * Future steps are never accepted.
   * @default 1
   */
  pastSteps?: number;
}

export interface SessionModuleOptions {
  /**
   * Secret(s) that sign the session cookie. A list rotates secrets: the first signs, all
   * verify. In production each must be at least 32 bytes.
   */
  secret: string | string[];
  /**
   * Where sessions live. Default: the module's own bounded in-memory store (one process only).
   * For Redis pass `{ redis: { url } }`, `{ redis: { cluster: { rootNodes } } }`,
   * `{ redis: { sentinel: { sentinels, name } } }` or `{ redis: { client } }` (a node-redis
   * client, Cluster or Sentinel client the app owns); or pass any {@link SessionStore}.
   * @default { memory: {} }
   */
  store?: SessionStore | { memory: { maxSessions?: number } } | { redis: RedisStoreOptions };
  /** Cookie attributes that may be changed. Secure, HttpOnly and Path=/ are not negotiable. */
  cookie?: SessionCookieOptions;
  /**
   * Sessions die this long after their last request (milliseconds).
   * @default 1_800_000 (30 minutes, NIST 800-63B AAL2)
   */
  idleTimeout?: number;
  /**
   * Sessions die this long after the password step, however active (milliseconds).
   * @default 43_200_000 (12 hours, NIST 800-63B AAL2)
   */
  absoluteTimeout?: number;
  /** TOTP multi-factor authentication. Without it, no user is asked for MFA. */
  mfa?: MfaOptions;
  /**
   * LOOSENS SECURITY, development only. Over plain HTTP the cookie is named `sid` (browsers
   * refuse `__Host-` cookies without Secure) and sent without Secure; over HTTPS it stays
   * Secure. Refused when `production` is true. Logs a warning at bootstrap.
   * @default false
   */
  allowInsecureHttp?: boolean;
  /**
   * Strict production checks (secret length, no insecure HTTP).
   * @default process.env.NODE_ENV === 'production'
   */
  production?: boolean;
}

/** Options after validation and defaulting: what the rest of the module reads. */
export interface ResolvedSessionOptions {
  secrets: string[];
  store: SessionModuleOptions['store'];
  cookie: Required<SessionCookieOptions> & { secure: boolean | 'auto' };
  idleTimeout: number;
  absoluteTimeout: number;
  /** lastSeenAt is written at most this often, so a steady-state read is one store command. */
  activityWriteInterval: number;
  mfa: (Required<Omit<MfaOptions, 'secretStore'>> & { secretStore: MfaSecretStore }) | undefined;
  allowInsecureHttp: boolean;
  production: boolean;
}

export const SESSION_DEFAULTS = {
  cookieName: '__Host-sid',
  insecureCookieName: 'sid',
  sameSite: 'lax' as SameSitePolicy,
  idleTimeout: 30 * 60_000,
  absoluteTimeout: 12 * 60 * 60_000,
  mfaIssuer: 'nest-secure-session',
  mfaPastSteps: 1,
  minSecretBytes: 32,
};

/** A bad option: bootstrap fails with one message saying what to change. */
export class SessionOptionsError extends Error {
  constructor(message: string) {
    super(`SessionModule: ${message}`);
    this.name = 'SessionOptionsError';
  }
}

export interface OptionWarnings {
  warn(message: string): void;
}

/**
 * Validates and defaults the options once, for forRoot and forRootAsync alike.
 * Throws {@link SessionOptionsError}; calls `warnings.warn` for each loosened default.
 */
export function resolveSessionOptions(
  options: SessionModuleOptions,
  warnings: OptionWarnings,
): ResolvedSessionOptions {
  if (!options || typeof options !== 'object') {
    throw new SessionOptionsError('options are required: SessionModule.forRoot({ secret, ... }).');
  }
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const secrets = resolveSecrets(options.secret, production, warnings);

  const allowInsecureHttp = options.allowInsecureHttp === true;
  if (allowInsecureHttp && production) {
    throw new SessionOptionsError(
      'allowInsecureHttp is for development only; remove it in production and serve HTTPS (or set trust proxy behind a TLS proxy).',
    );
  }
  if (allowInsecureHttp) {
    warnings.warn(
      'allowInsecureHttp is on: over plain HTTP the session cookie is named "sid" and sent without Secure. Never use this in production.',
    );
  }

  const sameSite = options.cookie?.sameSite ?? SESSION_DEFAULTS.sameSite;
  if (!['lax', 'strict', 'none'].includes(sameSite)) {
    throw new SessionOptionsError(`cookie.sameSite must be 'lax', 'strict' or 'none', not ${JSON.stringify(sameSite)}.`);
  }
  if (sameSite === 'none' && allowInsecureHttp) {
    throw new SessionOptionsError(
      "cookie.sameSite 'none' requires Secure cookies; it cannot be combined with allowInsecureHttp.",
    );
  }
  if (sameSite === 'none') {
    warnings.warn("cookie.sameSite is 'none': the session cookie is sent on cross-site requests; protect every state change against CSRF.");
  }
  const name = options.cookie?.name ?? (allowInsecureHttp ? SESSION_DEFAULTS.insecureCookieName : SESSION_DEFAULTS.cookieName);
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new SessionOptionsError(`cookie.name ${JSON.stringify(name)} is not a valid cookie name (RFC 6265 token).`);
  }
  if (allowInsecureHttp && /^__(host|secure)-/i.test(name)) {
    throw new SessionOptionsError(
      `cookie.name ${JSON.stringify(name)} has a __Host-/__Secure- prefix, which browsers refuse over plain HTTP; drop the prefix or allowInsecureHttp.`,
    );
  }

  const idleTimeout = positiveMs('idleTimeout', options.idleTimeout, SESSION_DEFAULTS.idleTimeout);
  const absoluteTimeout = positiveMs('absoluteTimeout', options.absoluteTimeout, SESSION_DEFAULTS.absoluteTimeout);
  if (idleTimeout > absoluteTimeout) {
    throw new SessionOptionsError(
      `idleTimeout (${idleTimeout} ms) must not exceed absoluteTimeout (${absoluteTimeout} ms).`,
    );
  }

  return {
    secrets,
    store: options.store,
    cookie: { name, sameSite, secure: allowInsecureHttp ? 'auto' : true },
    idleTimeout,
    absoluteTimeout,
    // A twentieth of the idle window: the idle timeout is exact to within 5 %.
    activityWriteInterval: Math.max(1_000, Math.floor(idleTimeout / 20)),
    mfa: resolveMfa(options.mfa),
    allowInsecureHttp,
    production,
  };
}

function resolveSecrets(
  secret: string | string[] | undefined,
  production: boolean,
  warnings: OptionWarnings,
): string[] {
  const secrets = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : [];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new SessionOptionsError(
      'secret is missing: pass a random string of at least 32 bytes (or a list of them, first one signs).',
    );
  }
  const short = secrets.filter((s) => Buffer.byteLength(s) < SESSION_DEFAULTS.minSecretBytes);
  if (short.length > 0) {
    const message = `secret must be at least ${SESSION_DEFAULTS.minSecretBytes} bytes (${short.length} of ${secrets.length} shorter); generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;
    if (production) throw new SessionOptionsError(message);
    warnings.warn(`${message}. Accepted outside production only.`);
  }
  return secrets;
}

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1_000) {
    throw new SessionOptionsError(`${name} must be a number of milliseconds >= 1000, not ${String(value)}.`);
  }
  return Math.floor(value);
}

function resolveMfa(mfa: MfaOptions | undefined): ResolvedSessionOptions['mfa'] {
  if (!mfa) return undefined;
  const store = mfa.secretStore as Partial<MfaSecretStore> | undefined;
  if (!store || typeof store.find !== 'function' || typeof store.save !== 'function') {
    throw new SessionOptionsError('mfa.secretStore must implement MfaSecretStore (find, save, remove).');
  }
  const pastSteps = mfa.pastSteps ?? SESSION_DEFAULTS.mfaPastSteps;
  if (!Number.isInteger(pastSteps) || pastSteps < 0 || pastSteps > 2) {
    throw new SessionOptionsError(`mfa.pastSteps must be 0, 1 or 2, not ${String(pastSteps)}.`);
  }
  return { secretStore: mfa.secretStore, issuer: mfa.issuer ?? SESSION_DEFAULTS.mfaIssuer, pastSteps };
}
