import type { SessionStore } from './store/session-store.interface.js';
import type { RedisStoreOptions } from './store/redis-session.store.js';
import { hkdfSync } from 'node:crypto';
import type { SessionEventListener } from './events/session-events.js';
import type { MfaSecretStore } from './mfa/mfa-secret-store.interface.js';
import { isSessionStore } from './store/is-session-store.js';
import type { MfaStateStore } from './mfa/mfa-state-store.interface.js';
import { decodeEncryptionKey, KEY_ID_SHAPE, type MfaEncryptionKey, type ResolvedEncryptionKey } from './mfa/secret-cipher.js';
import type { SessionIndex } from './devices/session-index.interface.js';
import { optionValueText } from './util/option-value-text.js';
import { resolveCsrfOptions, type CsrfOptions, type ResolvedCsrfOptions } from './csrf/csrf-options.js';

export type SameSitePolicy = 'lax' | 'strict' | 'none';

/**
 * A login over `maxSessionsPerUser`: `evict-oldest` revokes the user's sessions created
 * longest ago so the new one fits; `reject` refuses the login (409 `session_limit`).
 */
export type SessionLimitPolicy = 'evict-oldest' | 'reject';

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

/**
 * What happens when a request's client attribute differs from the one the session was created
 * with: `off` ignores it, `warn` emits a `session.binding_mismatch` event and goes on,
 * `strict` emits the event, destroys the session and continues the request as anonymous.
 */
export type BindingPolicy = 'off' | 'warn' | 'strict';

export interface ClientBindingOptions {
  /**
   * Policy for the User-Agent header. A cookie stolen and replayed from another browser
   * carries another User-Agent: `strict` ends the session. A browser update that changes
   * the string ends it too (the user logs in again).
   * @default 'strict'
   */
  userAgent?: BindingPolicy;
  /**
   * Policy for the client IP (`req.ip`, so Express `trust proxy` applies). Mobile users change
   * networks all the time, so the default only reports a change.
   * @default 'warn'
   */
  ip?: BindingPolicy;
  /**
   * How IPs compare: `prefix` treats addresses in the same IPv4 /24 or IPv6 /64 as the same
   * client (NAT pools, IPv6 privacy addresses); `exact` compares the whole address.
   * @default 'prefix'
   */
  ipMatch?: 'prefix' | 'exact';
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
  /**
   * Failed codes (TOTP and recovery, counted per account across sessions and IPs) before the
   * account's MFA step is locked. At most 100 (ASVS 2.2.1). Raising it logs a warning.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * How long the first lock lasts (ms); each further lock without a success in between doubles
   * it, up to `maxLockoutDuration`. Shortening it logs a warning.
   * @default 30_000
   */
  lockoutDuration?: number;
  /**
   * The longest lock (ms). With the defaults at most 40 codes can be tried in the first hour
   * and 20 in each hour after (ASVS 2.2.1 allows 100).
   * Shortening it logs a warning.
   * @default 900_000 (15 minutes)
   */
  maxLockoutDuration?: number;
  /**
   * Keys that encrypt TOTP secrets at rest (AES-256-GCM). The first encrypts, all decrypt: put
   * a new key first to rotate, and keep old ones until no secret uses them. Required in
   * production; elsewhere a key derived from `secret` is used, with a warning.
   */
  encryptionKeys?: MfaEncryptionKey[];
  /**
   * How recent an MFA verification must be for `@RequireMfa()` routes (unless the route says
   * otherwise) and for re-enrolling, disabling MFA or regenerating recovery codes (ms).
   * Lengthening it logs a warning.
   * @default 300_000 (5 minutes)
   */
  stepUpMaxAge?: number;
  /**
   * How long an enrolment started with `startEnrollment` may wait for its confirming code (ms).
   * An older one is refused (400 `enrollment_expired`) and must start again. Lengthening it
   * logs a warning.
   * @default 600_000 (10 minutes)
   */
  pendingEnrollmentMaxAge?: number;
  /**
   * Whether enrolling, re-enrolling, regenerating recovery codes or turning MFA off ends every
   * other session of the user (ASVS 5.0 7.4.3), MFA-pending ones included. On by default: the
   * reason to add or change a factor is often that the password (or the old factor) leaked,
   * and the sessions opened with it must not outlive the change. Turning it off logs a
   * warning. Needs the session index.
   * @default true (false when `sessionIndex` is false)
   */
  endOtherSessionsOnChange?: boolean;
  /**
   * Where attempt counters, locks and consumed time steps live. Default: chosen from `store`
   * (embedded: in memory; Redis: the same client and prefix). Required with a custom
   * SessionStore, since only the app knows where shared state can live.
   */
  stateStore?: MfaStateStore;
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
  /**
   * The session ID is replaced by a new one (same data, same device handle) on the first
   * request after this long (milliseconds), so a leaked ID stops working on its own.
   * @default 900_000 (15 minutes)
   */
  rotateInterval?: number;
  /**
   * After a rotation, the old ID keeps working this long (milliseconds, 0 to 30_000) for the
   * requests a browser already had in flight; then it is dead. 0 kills it at once.
   * @default 10_000 (10 seconds)
   */
  rotateGracePeriod?: number;
  /** Client binding: what a change of User-Agent or IP does to a session. */
  binding?: ClientBindingOptions;
  /**
   * The key that turns session IDs into storage keys (HMAC-SHA-256), independent of the
   * cookie-signing `secret` list so that signing secrets can be rotated and retired without
   * changing any storage key. Changing it ends every session.
   * @default the last (oldest) entry of `secret`
   */
  idHashSecret?: string;
  /**
   * Longest wait for one store operation (milliseconds). A store that does not answer in time
   * counts as down: guarded routes answer 503 `session_store_unavailable`, public routes go on.
   * @default 1_000 (1 second)
   */
  storeTimeout?: number;
  /** TOTP multi-factor authentication. Without it, no user is asked for MFA. */
  mfa?: MfaOptions;
  /**
   * Receives every security event (MFA outcomes, client-binding mismatches, ID rotations,
   * revoked sessions): for audit logs and notifying users. Subscribe through `SessionEvents`
   * too. Events never hold codes, secrets, session IDs or cookie values. Errors it throws (or
   * rejections) are logged and never affect the request.
   */
  onEvent?: SessionEventListener;
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
  /**
   * Most sessions one user may hold at once, every device and MFA-pending ones included. Bounds
   * what one account keeps in the store and what listing or revoking its sessions costs.
   * @default 100
   */
  maxSessionsPerUser?: number;
  /**
   * What a login over `maxSessionsPerUser` does (see {@link SessionLimitPolicy}).
   * @default 'evict-oldest'
   */
  sessionLimitPolicy?: SessionLimitPolicy;
  /**
   * The per-user index behind listSessions, revocation and session limits. Built by the module
   * for the memory and Redis stores (on the store's own client and prefix). Beside a custom
   * `store` pass an implementation, or `false` to run without device lists, revocation and
   * limits (LOOSENS SECURITY: logs a warning); without either, bootstrap fails.
   * @default the store's own index
   */
  sessionIndex?: SessionIndex | false;
  /**
   * CSRF defence for cookie-authenticated state changes (every method but GET, HEAD and
   * OPTIONS): `Origin` (or, without it, `Referer`) must be an allowed origin, and a browser's
   * `Sec-Fetch-Site: cross-site` (or `same-site` from an origin not allowed) is refused with
   * 403 `csrf`, before the session is loaded. Requests with `Authorization: Bearer` and no
   * session cookie are exempt. `false` turns it off (LOOSENS SECURITY: logs a warning).
   * @default {} (on; allowed origin: the request's own)
   */
  csrf?: CsrfOptions | false;
}

/** MFA options after validation and defaulting. */
export interface ResolvedMfaOptions {
  secretStore: MfaSecretStore;
  issuer: string;
  pastSteps: number;
  maxAttempts: number;
  lockoutDuration: number;
  maxLockoutDuration: number;
  stepUpMaxAge: number;
  pendingEnrollmentMaxAge: number;
  endOtherSessionsOnChange: boolean;
  encryptionKeys: ResolvedEncryptionKey[];
  stateStore: MfaStateStore | undefined;
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
  rotateInterval: number;
  rotateGracePeriod: number;
  binding: Required<ClientBindingOptions>;
  idHashSecret: string;
  storeTimeout: number;
  mfa: ResolvedMfaOptions | undefined;
  onEvent: SessionEventListener | undefined;
  allowInsecureHttp: boolean;
  production: boolean;
  maxSessionsPerUser: number;
  sessionLimitPolicy: SessionLimitPolicy;
  /** An app-supplied index, `false` (opted out), or undefined (the module builds the store's own). */
  sessionIndex: SessionIndex | false | undefined;
  csrf: ResolvedCsrfOptions;
}

export const SESSION_DEFAULTS = {
  cookieName: '__Host-sid',
  insecureCookieName: 'sid',
  sameSite: 'lax' as SameSitePolicy,
  idleTimeout: 30 * 60_000,
  absoluteTimeout: 12 * 60 * 60_000,
  rotateInterval: 15 * 60_000,
  rotateGracePeriod: 10_000,
  maxRotateGracePeriod: 30_000,
  userAgentBinding: 'strict' as BindingPolicy,
  ipBinding: 'warn' as BindingPolicy,
  ipMatch: 'prefix' as const,
  storeTimeout: 1_000,
  mfaIssuer: 'nest-secure-session',
  mfaPastSteps: 1,
  mfaMaxAttempts: 5,
  mfaLockoutDuration: 30_000,
  mfaMaxLockoutDuration: 15 * 60_000,
  mfaStepUpMaxAge: 5 * 60_000,
  mfaPendingEnrollmentMaxAge: 10 * 60_000,
  minSecretBytes: 32,
  maxSessionsPerUser: 100,
  sessionLimitPolicy: 'evict-oldest' as SessionLimitPolicy,
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
  if (options.production !== undefined && typeof options.production !== 'boolean') {
    throw new SessionOptionsError(`production must be true or false, not ${optionValueText(options.production)}.`);
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
    throw new SessionOptionsError(`cookie.sameSite must be 'lax', 'strict' or 'none', not ${optionValueText(sameSite)}.`);
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
  if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new SessionOptionsError(`cookie.name ${optionValueText(name)} is not a valid cookie name (RFC 6265 token).`);
  }
  if (allowInsecureHttp && /^__(host|secure)-/i.test(name)) {
    throw new SessionOptionsError(
      `cookie.name ${optionValueText(name)} has a __Host-/__Secure- prefix, which browsers refuse over plain HTTP; drop the prefix or allowInsecureHttp.`,
    );
  }

  const idleTimeout = positiveMs('idleTimeout', options.idleTimeout, SESSION_DEFAULTS.idleTimeout);
  const absoluteTimeout = positiveMs('absoluteTimeout', options.absoluteTimeout, SESSION_DEFAULTS.absoluteTimeout);
  if (idleTimeout > absoluteTimeout) {
    throw new SessionOptionsError(
      `idleTimeout (${idleTimeout} ms) must not exceed absoluteTimeout (${absoluteTimeout} ms).`,
    );
  }

  const rotateInterval = positiveMs('rotateInterval', options.rotateInterval, SESSION_DEFAULTS.rotateInterval);
  const rotateGracePeriod = boundedMs(
    'rotateGracePeriod',
    options.rotateGracePeriod,
    SESSION_DEFAULTS.rotateGracePeriod,
    0,
    SESSION_DEFAULTS.maxRotateGracePeriod,
  );
  const storeTimeout = boundedMs('storeTimeout', options.storeTimeout, SESSION_DEFAULTS.storeTimeout, 10, 30_000);

  return {
    secrets,
    store: resolveStore(options.store),
    cookie: { name, sameSite, secure: allowInsecureHttp ? 'auto' : true },
    idleTimeout,
    absoluteTimeout,
    // A twentieth of the idle window: a session dies between 95 % and 100 % of idleTimeout
    // after its last request, and a steady stream of reads writes at most once per interval.
    activityWriteInterval: Math.max(1, Math.floor(idleTimeout / 20)),
    rotateInterval,
    rotateGracePeriod,
    binding: resolveBinding(options.binding, warnings),
    idHashSecret: resolveIdHashSecret(options.idHashSecret, secrets, production, warnings),
    storeTimeout,
    mfa: resolveMfa(options.mfa, secrets, production, warnings, options.sessionIndex === false),
    onEvent: resolveOnEvent(options.onEvent),
    allowInsecureHttp,
    production,
    ...resolveDevices(options, warnings),
    csrf: resolveCsrfOptions(options.csrf, warnings),
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

/**
 * The storage-key secret. Defaulting to the oldest signing secret keeps the keys of a
 * single-secret deployment stable when a new signing secret is added in front; retiring that
 * oldest secret later needs `idHashSecret` set to its value (README, "Rotating secrets").
 */
function resolveIdHashSecret(
  idHashSecret: string | undefined,
  secrets: string[],
  production: boolean,
  warnings: OptionWarnings,
): string {
  if (idHashSecret === undefined) return secrets[secrets.length - 1]!;
  if (typeof idHashSecret !== 'string' || idHashSecret.length === 0) {
    throw new SessionOptionsError('idHashSecret must be a non-empty string (or left out to use the oldest secret).');
  }
  if (Buffer.byteLength(idHashSecret) < SESSION_DEFAULTS.minSecretBytes) {
    const message = `idHashSecret must be at least ${SESSION_DEFAULTS.minSecretBytes} bytes`;
    if (production) throw new SessionOptionsError(`${message}.`);
    warnings.warn(`${message}. Accepted outside production only.`);
  }
  return idHashSecret;
}

const BINDING_POLICIES: readonly BindingPolicy[] = ['off', 'warn', 'strict'];

function resolveBinding(
  binding: ClientBindingOptions | undefined,
  warnings: OptionWarnings,
): Required<ClientBindingOptions> {
  const userAgent = binding?.userAgent ?? SESSION_DEFAULTS.userAgentBinding;
  const ip = binding?.ip ?? SESSION_DEFAULTS.ipBinding;
  const ipMatch = binding?.ipMatch ?? SESSION_DEFAULTS.ipMatch;
  for (const [name, value] of [
    ['userAgent', userAgent],
    ['ip', ip],
  ] as const) {
    if (!BINDING_POLICIES.includes(value)) {
      throw new SessionOptionsError(`binding.${name} must be 'off', 'warn' or 'strict', not ${optionValueText(value)}.`);
    }
  }
  if (ipMatch !== 'prefix' && ipMatch !== 'exact') {
    throw new SessionOptionsError(`binding.ipMatch must be 'prefix' or 'exact', not ${optionValueText(ipMatch)}.`);
  }
  if (userAgent !== 'strict') {
    const outcome = userAgent === 'warn' ? 'only reported' : 'accepted';
    warnings.warn(`binding.userAgent is '${userAgent}': a session cookie replayed from another browser is ${outcome}.`);
  }
  if (ip === 'off') warnings.warn("binding.ip is 'off': IP changes of a session are not even reported.");
  return { userAgent, ip, ipMatch };
}

function boundedMs(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new SessionOptionsError(`${name} must be a number of milliseconds from ${min} to ${max}, not ${optionValueText(value)}.`);
  }
  return Math.floor(value);
}

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1_000) {
    throw new SessionOptionsError(`${name} must be a number of milliseconds >= 1000, not ${optionValueText(value)}.`);
  }
  return Math.floor(value);
}

function resolveStore(store: SessionModuleOptions['store']): SessionModuleOptions['store'] {
  if (store === undefined || isSessionStore(store)) return store;
  const shape = store as { memory?: { maxSessions?: unknown }; redis?: unknown };
  if (typeof shape.memory === 'object' && shape.memory !== null) {
    const { maxSessions } = shape.memory;
    if (maxSessions !== undefined && (!Number.isInteger(maxSessions) || (maxSessions as number) < 1)) {
      throw new SessionOptionsError(`store.memory.maxSessions must be a positive integer, not ${optionValueText(maxSessions)}.`);
    }
    return store;
  }
  if (typeof shape.redis === 'object' && shape.redis !== null) {
    const redis = shape.redis as Record<string, unknown>;
    const given = (['url', 'client', 'cluster', 'sentinel'] as const).filter((name) => redis[name] !== undefined);
    if (given.length !== 1) {
      throw new SessionOptionsError(
        `store.redis needs exactly one of \`url\` (redis://host:port), \`cluster\` ({ rootNodes }), \`sentinel\` ({ sentinels, name }) or a node-redis \`client\` (got ${given.length ? given.join(', ') : 'none'}).`,
      );
    }
    if (given[0] === 'url' && (typeof redis['url'] !== 'string' || redis['url'].length === 0)) {
      throw new SessionOptionsError('store.redis.url must be a redis:// URL.');
    }
    return store;
  }
  throw new SessionOptionsError(
    'store must be { memory: { maxSessions? } }, { redis: { url | cluster | sentinel | client } }, or a SessionStore instance (get, set, destroy, close).',
  );
}

function resolveMfa(
  mfa: MfaOptions | undefined,
  secrets: string[],
  production: boolean,
  warnings: OptionWarnings,
  withoutSessionIndex: boolean,
): ResolvedSessionOptions['mfa'] {
  if (!mfa) return undefined;
  const store = mfa.secretStore as Partial<MfaSecretStore> | undefined;
  const methods = ['find', 'save', 'remove'] as const;
  if (!store || methods.some((method) => typeof store[method] !== 'function')) {
    throw new SessionOptionsError('mfa.secretStore must implement MfaSecretStore (find, save, remove).');
  }
  const pastSteps = mfa.pastSteps ?? SESSION_DEFAULTS.mfaPastSteps;
  if (!Number.isInteger(pastSteps) || pastSteps < 0 || pastSteps > 2) {
    throw new SessionOptionsError(`mfa.pastSteps must be 0, 1 or 2, not ${optionValueText(pastSteps)}.`);
  }
  const maxAttempts = mfa.maxAttempts ?? SESSION_DEFAULTS.mfaMaxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new SessionOptionsError(`mfa.maxAttempts must be a whole number from 1 to 100 (ASVS 2.2.1), not ${optionValueText(maxAttempts)}.`);
  }
  if (maxAttempts > SESSION_DEFAULTS.mfaMaxAttempts) {
    warnings.warn(
      `mfa.maxAttempts is ${maxAttempts} (default ${SESSION_DEFAULTS.mfaMaxAttempts}): more codes can be guessed before the account locks.`,
    );
  }
  const lockoutDuration = positiveMs('mfa.lockoutDuration', mfa.lockoutDuration, SESSION_DEFAULTS.mfaLockoutDuration);
  const maxLockoutDuration = positiveMs('mfa.maxLockoutDuration', mfa.maxLockoutDuration, SESSION_DEFAULTS.mfaMaxLockoutDuration);
  if (maxLockoutDuration < lockoutDuration) {
    throw new SessionOptionsError(
      `mfa.maxLockoutDuration (${maxLockoutDuration} ms) must not be shorter than mfa.lockoutDuration (${lockoutDuration} ms).`,
    );
  }
  if (lockoutDuration < SESSION_DEFAULTS.mfaLockoutDuration || maxLockoutDuration < SESSION_DEFAULTS.mfaMaxLockoutDuration) {
    warnings.warn('mfa.lockoutDuration or mfa.maxLockoutDuration is below its default: locked accounts can be guessed at sooner.');
  }
  const stepUpMaxAge = positiveMs('mfa.stepUpMaxAge', mfa.stepUpMaxAge, SESSION_DEFAULTS.mfaStepUpMaxAge);
  if (stepUpMaxAge > SESSION_DEFAULTS.mfaStepUpMaxAge) {
    warnings.warn(
      `mfa.stepUpMaxAge is ${stepUpMaxAge} ms (default ${SESSION_DEFAULTS.mfaStepUpMaxAge}): an older MFA verification still unlocks sensitive routes.`,
    );
  }
  const pendingEnrollmentMaxAge = positiveMs(
    'mfa.pendingEnrollmentMaxAge',
    mfa.pendingEnrollmentMaxAge,
    SESSION_DEFAULTS.mfaPendingEnrollmentMaxAge,
  );
  if (pendingEnrollmentMaxAge > SESSION_DEFAULTS.mfaPendingEnrollmentMaxAge) {
    warnings.warn(
      `mfa.pendingEnrollmentMaxAge is ${pendingEnrollmentMaxAge} ms (default ${SESSION_DEFAULTS.mfaPendingEnrollmentMaxAge}): a forgotten enrolment can be confirmed later.`,
    );
  }
  const endOtherSessionsOnChange = resolveEndOtherSessions(mfa.endOtherSessionsOnChange, withoutSessionIndex, warnings);
  const issuer = mfa.issuer ?? SESSION_DEFAULTS.mfaIssuer;
  if (typeof issuer !== 'string' || issuer.length === 0) {
    throw new SessionOptionsError(`mfa.issuer must be a non-empty string, not ${optionValueText(issuer)}.`);
  }
  const stateStore = mfa.stateStore as Partial<MfaStateStore> | undefined;
  const stateMethods = ['beginAttempt', 'clearAttempts', 'consumeTimeStep', 'acquireLock', 'releaseLock'] as const;
  if (stateStore !== undefined && (!stateStore || stateMethods.some((method) => typeof stateStore[method] !== 'function'))) {
    throw new SessionOptionsError(`mfa.stateStore must implement MfaStateStore (${stateMethods.join(', ')}).`);
  }
  return {
    secretStore: mfa.secretStore,
    issuer,
    pastSteps,
    maxAttempts,
    lockoutDuration,
    maxLockoutDuration,
    stepUpMaxAge,
    pendingEnrollmentMaxAge,
    endOtherSessionsOnChange,
    encryptionKeys: resolveEncryptionKeys(mfa.encryptionKeys, secrets, production, warnings),
    stateStore: mfa.stateStore,
  };
}

function resolveEndOtherSessions(value: unknown, withoutSessionIndex: boolean, warnings: OptionWarnings): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new SessionOptionsError(`mfa.endOtherSessionsOnChange must be true or false, not ${String(value)}.`);
  }
  if (withoutSessionIndex) {
    if (value === true) throw new SessionOptionsError('mfa.endOtherSessionsOnChange needs the session index; sessionIndex is false.');
    return false;
  }
  if (value === false) {
    warnings.warn('mfa.endOtherSessionsOnChange is false: sessions opened before an MFA change (perhaps with a leaked password) stay signed in.');
  }
  return value ?? true;
}

const KEY_HINT = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

function resolveEncryptionKeys(
  keys: MfaEncryptionKey[] | undefined,
  secrets: string[],
  production: boolean,
  warnings: OptionWarnings,
): ResolvedEncryptionKey[] {
  if (keys === undefined) {
    if (production) {
      throw new SessionOptionsError(`mfa.encryptionKeys is required in production: [{ id: 'k1', key: <32 random bytes> }]; ${KEY_HINT}`);
    }
    warnings.warn(
      'mfa.encryptionKeys is not set: TOTP secrets are encrypted under a key derived from the session secret. Set explicit keys before production.',
    );
    // The oldest secret, as for session-ID hashing: adding a secret in front keeps the key.
    const root = secrets[secrets.length - 1]!;
    return [{ id: 'derived', key: Buffer.from(hkdfSync('sha256', root, 'nest-secure-session', 'mfa-encryption-key', 32)) }];
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new SessionOptionsError(`mfa.encryptionKeys must be a non-empty list of { id, key }; ${KEY_HINT}`);
  }
  const seen = new Set<string>();
  return keys.map((entry, index) => {
    const id = (entry as Partial<MfaEncryptionKey> | undefined)?.id;
    if (typeof id !== 'string' || !KEY_ID_SHAPE.test(id)) {
      throw new SessionOptionsError(`mfa.encryptionKeys[${index}].id must be 1-32 characters of A-Z a-z 0-9 _ -, not ${optionValueText(id)}.`);
    }
    if (seen.has(id)) throw new SessionOptionsError(`mfa.encryptionKeys has the id "${id}" twice; ids must be unique.`);
    seen.add(id);
    const key = decodeEncryptionKey(entry.key);
    if (!key) {
      throw new SessionOptionsError(
        `mfa.encryptionKeys[${index}] ("${id}").key must be exactly 32 bytes (a Buffer, 64 hex characters or base64); ${KEY_HINT}`,
      );
    }
    return { id, key };
  });
}

function resolveOnEvent(onEvent: SessionEventListener | undefined): SessionEventListener | undefined {
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new SessionOptionsError('onEvent must be a function (event) => void.');
  }
  return onEvent;
}

function resolveDevices(
  options: SessionModuleOptions,
  warnings: OptionWarnings,
): Pick<ResolvedSessionOptions, 'maxSessionsPerUser' | 'sessionLimitPolicy' | 'sessionIndex'> {
  const max = options.maxSessionsPerUser ?? SESSION_DEFAULTS.maxSessionsPerUser;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new SessionOptionsError(`maxSessionsPerUser must be a positive integer, not ${optionValueText(max)}.`);
  }
  const policy = options.sessionLimitPolicy ?? SESSION_DEFAULTS.sessionLimitPolicy;
  if (policy !== 'evict-oldest' && policy !== 'reject') {
    throw new SessionOptionsError(`sessionLimitPolicy must be 'evict-oldest' or 'reject', not ${optionValueText(policy)}.`);
  }
  const index = options.sessionIndex;
  if (index === false) {
    warnings.warn(
      'sessionIndex is false: sessions cannot be listed or revoked (no logout everywhere) and maxSessionsPerUser is not enforced.',
    );
  } else if (index !== undefined) {
    const methods = ['put', 'replace', 'list', 'get', 'remove', 'close'] as const;
    if (typeof index !== 'object' || index === null || methods.some((m) => typeof index[m] !== 'function')) {
      throw new SessionOptionsError(`sessionIndex must implement SessionIndex (${methods.join(', ')}), or be false.`);
    }
  }
  return { maxSessionsPerUser: max, sessionLimitPolicy: policy, sessionIndex: index };
}
