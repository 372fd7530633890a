import { resolveCsrfOptions } from '../csrf/csrf-options.js';
import { SessionOptionsError } from '../errors/session-options.error.js';
import type { SessionEventListener } from '../events/session-events.js';
import { derivedEncryptionKey } from '../mfa/derived-encryption-key.js';
import type { MfaSecretStore } from '../mfa/mfa-secret-store.interface.js';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import { decodeEncryptionKey, KEY_ID_SHAPE, type MfaEncryptionKey, type ResolvedEncryptionKey } from '../mfa/secret-cipher.js';
import type { PasskeyStore } from '../passkeys/passkey-store.interface.js';
import { resolveMonitoringOptions } from '../monitoring/resolve-monitoring-options.js';
import { isSessionStore } from '../store/is-session-store.js';
import { resolveCookieStore } from '../sealed/resolve-cookie-store.js';
import { isCookieStore } from '../sealed/sealed-cookie-options.js';
import { redisConnectionProblems } from '../store/redis-connection.js';
import { resolveTokenOptions } from '../tokens/token-options.js';
import { optionValueText } from '../util/option-value-text.js';
import { resolveOidcOptions } from '../oidc/oidc-options.js';
import { OptionProblems } from './option-problems.js';
import type { OptionWarnings, ResolvedMfaOptions, ResolvedPasskeyOptions, ResolvedSessionOptions } from './resolved-session-options.js';
import { SESSION_DEFAULTS, SESSION_OPTION_LIMITS as LIMITS } from './session-defaults.js';
import type {
  BindingPolicy,
  ClientBindingOptions,
  MfaOptions,
  PasskeyOptions,
  SessionModuleOptions,
} from './session-module-options.interface.js';

/**
 * Validates and defaults the options once, for forRoot and forRootAsync alike. Every problem
 * found is collected and thrown together as one {@link SessionOptionsError}; `warnings.warn`
 * hears of each loosened default.
 */
export function resolveSessionOptions(
  options: SessionModuleOptions,
  warnings: OptionWarnings,
  registration?: ModuleRegistration,
): ResolvedSessionOptions {
  if (!options || typeof options !== 'object') {
    throw new SessionOptionsError('options are required: SessionModule.forRoot({ secret, ... }).');
  }
  const problems = new OptionProblems();
  const resolved = resolveAll(options, warnings, problems);
  if (registration) {
    checkRegistration('mfa', 'MfaService', resolved.mfa !== undefined, registration.mfaRegistered, problems);
    checkRegistration('passkeys', 'PasskeyService', resolved.passkeys !== undefined, registration.passkeysRegistered ?? false, problems);
    if (registration.tokensRegistered !== undefined) {
      checkRegistration('tokens', 'SessionTokens', options.tokens !== undefined, registration.tokensRegistered, problems);
    }
    checkRegistration('oidc', 'OidcService', resolved.oidc !== undefined, registration.oidcRegistered ?? false, problems);
  }
  if (resolved.oidc !== undefined && resolved.sessionIndex === false) {
    problems.add('oidc needs the session index (single sign-out ends sessions through it); sessionIndex is false.');
  }
  if (options.tokens !== undefined && options.sessionIndex === false) {
    problems.add('tokens need the session index (each token is checked against its live session): sessionIndex must not be false.');
  }
  problems.throwIfAny();
  return resolved;
}

/** How SessionModule was registered, for the options that must agree with it. */
export interface ModuleRegistration {
  /** forRoot: `mfa` was given; forRootAsync: `mfa: true` was. */
  mfaRegistered: boolean;
  /** forRoot: `passkeys` was given; forRootAsync: `passkeys: true` was. */
  passkeysRegistered?: boolean;
  /** forRoot: `tokens` was given; forRootAsync: `tokens: true` was. */
  tokensRegistered?: boolean;
  /** forRoot: `oidc` was given; forRootAsync: `oidc: true` was. */
  oidcRegistered?: boolean;
}

/**
 * forRootAsync registers an optional part's service (MfaService, PasskeyService, SessionTokens)
 * before its options exist: the options must agree with the `mfa: true` / `passkeys: true` /
 * `tokens: true` the app passed.
 */
function checkRegistration(name: string, service: string, configured: boolean, registered: boolean, problems: OptionProblems): void {
  if (configured && !registered) {
    problems.add(
      `${name} is configured but ${service} is not registered: pass ${name}: true to SessionModule.forRootAsync({ ${name}: true, useFactory, ... }).`,
    );
  } else if (registered && !configured) {
    problems.add(
      `SessionModule.forRootAsync was given ${name}: true but its options have no ${name}: return ${name} options, or drop ${name}: true.`,
    );
  }
}

function resolveAll(options: SessionModuleOptions, warnings: OptionWarnings, problems: OptionProblems): ResolvedSessionOptions {
  if (options.production !== undefined && typeof options.production !== 'boolean') {
    problems.add(`production must be true or false, not ${optionValueText(options.production)}.`);
  }
  const production = typeof options.production === 'boolean' ? options.production : process.env.NODE_ENV === 'production';
  const secrets = resolveSecrets(options.secret, production, warnings, problems);

  const allowInsecureHttp = options.allowInsecureHttp === true;
  if (allowInsecureHttp && production) {
    problems.add(
      'allowInsecureHttp is for development only; remove it in production and serve HTTPS (or set trust proxy behind a TLS proxy).',
    );
  }
  if (allowInsecureHttp) {
    warnings.warn(
      'allowInsecureHttp is on: over plain HTTP the session cookie is named "sid" and sent without Secure. Never use this in production.',
    );
  }

  const idleTimeout = atLeastOneSecond('idleTimeout', options.idleTimeout, SESSION_DEFAULTS.idleTimeout, problems);
  const absoluteTimeout = atLeastOneSecond('absoluteTimeout', options.absoluteTimeout, SESSION_DEFAULTS.absoluteTimeout, problems);
  if (idleTimeout !== undefined && absoluteTimeout !== undefined && idleTimeout > absoluteTimeout) {
    problems.add(`idleTimeout (${idleTimeout} ms) must not exceed absoluteTimeout (${absoluteTimeout} ms).`);
  }
  const idle = idleTimeout ?? SESSION_DEFAULTS.idleTimeout;

  return {
    secrets,
    store: resolveStore(options, problems),
    cookie: resolveCookie(options, allowInsecureHttp, warnings, problems),
    idleTimeout: idle,
    absoluteTimeout: absoluteTimeout ?? SESSION_DEFAULTS.absoluteTimeout,
    // A twentieth of the idle window: a session dies between 95 % and 100 % of idleTimeout
    // after its last request, and a steady stream of reads writes at most once per interval.
    activityWriteInterval: Math.max(1, Math.floor(idle / 20)),
    rotateInterval:
      atLeastOneSecond('rotateInterval', options.rotateInterval, SESSION_DEFAULTS.rotateInterval, problems) ??
      SESSION_DEFAULTS.rotateInterval,
    rotateGracePeriod:
      boundedMs('rotateGracePeriod', options.rotateGracePeriod, SESSION_DEFAULTS.rotateGracePeriod, 0, LIMITS.maxRotateGracePeriod, problems) ??
      SESSION_DEFAULTS.rotateGracePeriod,
    binding: resolveBinding(options.binding, warnings, problems),
    idHashSecret: resolveIdHashSecret(options.idHashSecret, secrets, production, warnings, problems),
    storeTimeout:
      boundedMs('storeTimeout', options.storeTimeout, SESSION_DEFAULTS.storeTimeout, LIMITS.minStoreTimeout, LIMITS.maxStoreTimeout, problems) ??
      SESSION_DEFAULTS.storeTimeout,
    mfa: resolveMfa(options, secrets, production, warnings, problems),
    passkeys: resolvePasskeys(options, problems),
    onEvent: resolveOnEvent(options.onEvent, problems),
    allowInsecureHttp,
    production,
    ...resolveDevices(options, warnings, problems),
    csrf: problems.collect(() => resolveCsrfOptions(options.csrf, warnings)) ?? false,
    tokens: options.tokens === undefined ? undefined : problems.collect(() => resolveTokenOptions(options.tokens!, warnings)),
    monitoring: resolveMonitoringOptions(options.monitoring, isSessionStore(options.store), warnings, problems),
    oidc: problems.collect(() => resolveOidcOptions(options.oidc, { production, warnings })),
  };
}

function resolveSecrets(
  secret: string | string[] | undefined,
  production: boolean,
  warnings: OptionWarnings,
  problems: OptionProblems,
): string[] {
  // Array.from: a sparse list's holes become undefined, which the check below refuses.
  // Array.from: a sparse list's holes become undefined, which the check below refuses.
  const given: unknown[] = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? Array.from(secret) : [];
  const isSecret = (s: unknown): s is string => typeof s === 'string' && s.length > 0;
  if (given.length === 0 || !given.every(isSecret)) {
    problems.add('secret is missing: pass a random string of at least 32 bytes (or a list of them, first one signs).');
    // Stands in so the checks that depend on the secret can still run and report.
    return ['x'.repeat(LIMITS.minSecretBytes)];
  }
  const secrets = given;
  const short = secrets.filter((s) => Buffer.byteLength(s) < LIMITS.minSecretBytes);
  if (short.length > 0) {
    const message = `secret must be at least ${LIMITS.minSecretBytes} bytes (${short.length} of ${secrets.length} shorter); generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;
    if (production) problems.add(message);
    else warnings.warn(`${message}. Accepted outside production only.`);
  }
  return secrets;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function resolveCookie(
  options: SessionModuleOptions,
  allowInsecureHttp: boolean,
  warnings: OptionWarnings,
  problems: OptionProblems,
): ResolvedSessionOptions['cookie'] {
  let sameSite = options.cookie?.sameSite ?? SESSION_DEFAULTS.cookie.sameSite;
  if (!['lax', 'strict', 'none'].includes(sameSite)) {
    problems.add(`cookie.sameSite must be 'lax', 'strict' or 'none', not ${optionValueText(sameSite)}.`);
    sameSite = SESSION_DEFAULTS.cookie.sameSite;
  }
  if (sameSite === 'none' && allowInsecureHttp) {
    problems.add("cookie.sameSite 'none' requires Secure cookies; it cannot be combined with allowInsecureHttp.");
  } else if (sameSite === 'none') {
    warnings.warn("cookie.sameSite is 'none': the session cookie is sent on cross-site requests; protect every state change against CSRF.");
  }
  const fallbackName = allowInsecureHttp ? LIMITS.insecureCookieName : SESSION_DEFAULTS.cookie.name;
  let name = options.cookie?.name ?? fallbackName;
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) {
    problems.add(`cookie.name ${optionValueText(name)} is not a valid cookie name (RFC 6265 token).`);
    name = fallbackName;
  } else if (allowInsecureHttp && /^__(host|secure)-/i.test(name)) {
    problems.add(
      `cookie.name ${optionValueText(name)} has a __Host-/__Secure- prefix, which browsers refuse over plain HTTP; drop the prefix or allowInsecureHttp.`,
    );
  }
  return { name, sameSite, secure: allowInsecureHttp ? 'auto' : true };
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
  problems: OptionProblems,
): string {
  const oldestSecret = secrets[secrets.length - 1]!;
  if (idHashSecret === undefined) return oldestSecret;
  if (typeof idHashSecret !== 'string' || idHashSecret.length === 0) {
    problems.add('idHashSecret must be a non-empty string (or left out to use the oldest secret).');
    return oldestSecret;
  }
  if (Buffer.byteLength(idHashSecret) < LIMITS.minSecretBytes) {
    const message = `idHashSecret must be at least ${LIMITS.minSecretBytes} bytes`;
    if (production) problems.add(`${message}.`);
    else warnings.warn(`${message}. Accepted outside production only.`);
  }
  return idHashSecret;
}

const BINDING_POLICIES: readonly BindingPolicy[] = ['off', 'warn', 'strict'];

function resolveBinding(
  binding: ClientBindingOptions | undefined,
  warnings: OptionWarnings,
  problems: OptionProblems,
): Required<ClientBindingOptions> {
  const policy = (name: 'userAgent' | 'ip'): BindingPolicy => {
    const value = binding?.[name] ?? SESSION_DEFAULTS.binding[name];
    if (BINDING_POLICIES.includes(value)) return value;
    problems.add(`binding.${name} must be 'off', 'warn' or 'strict', not ${optionValueText(value)}.`);
    return SESSION_DEFAULTS.binding[name];
  };
  const userAgent = policy('userAgent');
  const ip = policy('ip');
  let ipMatch = binding?.ipMatch ?? SESSION_DEFAULTS.binding.ipMatch;
  if (ipMatch !== 'prefix' && ipMatch !== 'exact') {
    problems.add(`binding.ipMatch must be 'prefix' or 'exact', not ${optionValueText(ipMatch)}.`);
    ipMatch = SESSION_DEFAULTS.binding.ipMatch;
  }
  if (userAgent !== 'strict') {
    const outcome = userAgent === 'warn' ? 'only reported' : 'accepted';
    warnings.warn(`binding.userAgent is '${userAgent}': a session cookie replayed from another browser is ${outcome}.`);
  }
  if (ip === 'off') warnings.warn("binding.ip is 'off': IP changes of a session are not even reported.");
  return { userAgent, ip, ipMatch };
}

/**
 * A whole number of ms in [min, max], `fallback` when absent, undefined when refused (the
 * caller defaults it, and skips the checks that compare it with another option).
 */
function boundedMs(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  problems: OptionProblems,
): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || value > max) {
    problems.add(`${name} must be a number of milliseconds from ${min} to ${max}, not ${optionValueText(value)}.`);
    return undefined;
  }
  return Math.floor(value);
}

/** Like {@link boundedMs}, for a duration of at least a second. */
function atLeastOneSecond(name: string, value: number | undefined, fallback: number, problems: OptionProblems): number | undefined {
  if (value === undefined) return fallback;
  // A safe integer: beyond 2^53 milliseconds arithmetic on deadlines is no longer exact.
  if (!Number.isFinite(value) || value < LIMITS.minTimeout || value > Number.MAX_SAFE_INTEGER) {
    problems.add(`${name} must be a number of milliseconds >= ${LIMITS.minTimeout}, not ${optionValueText(value)}.`);
    return undefined;
  }
  return Math.floor(value);
}

function resolveStore(options: SessionModuleOptions, problems: OptionProblems): SessionModuleOptions['store'] {
  const store = options.store;
  if (store === undefined) return store;
  if (isSessionStore(store)) {
    checkCustomStoreCompanions(options, problems);
    return store;
  }
  const shape = (typeof store === 'object' && store !== null ? store : {}) as { memory?: { maxSessions?: unknown }; redis?: unknown };
  if (typeof shape.memory === 'object' && shape.memory !== null) {
    const { maxSessions } = shape.memory;
    if (maxSessions !== undefined && (!Number.isInteger(maxSessions) || (maxSessions as number) < 1)) {
      problems.add(`store.memory.maxSessions must be a positive integer, not ${optionValueText(maxSessions)}.`);
    }
    return store;
  }
  if (typeof shape.redis === 'object' && shape.redis !== null) {
    problems.addAll(redisConnectionProblems(shape.redis));
    return store;
  }
  if (isCookieStore(store)) {
    const cookie = resolveCookieStore(options, store.cookie);
    problems.addAll(cookie.problems);
    return cookie.store;
  }
  problems.add(
    'store must be { memory: { maxSessions? } }, { redis: { url | cluster | sentinel | client } }, { cookie: { keys } }, or a SessionStore instance (get, set, destroy, close).',
  );
  return undefined;
}

/**
 * The module builds the session index and the MFA state beside its own stores; beside an app's
 * store only the app knows where shared state can live, so it must say.
 */
function checkCustomStoreCompanions(options: SessionModuleOptions, problems: OptionProblems): void {
  if (options.sessionIndex === undefined) {
    problems.add(
      'a custom store needs a session index for device lists, revocation and session limits: pass sessionIndex (an implementation of SessionIndex, e.g. new RedisSessionIndex(client, prefix)), or sessionIndex: false to run without them.',
    );
  }
  if (options.mfa && typeof options.mfa === 'object' && options.mfa.stateStore === undefined) {
    problems.add(
      'mfa.stateStore is required with a custom store: pass an MfaStateStore that every app instance shares ' +
        '(RedisMfaStateStore, or MemoryMfaStateStore for one process).',
    );
  }
}

const MFA_SECRET_STORE_METHODS = ['find', 'save', 'remove'] as const;
const MFA_STATE_STORE_METHODS = ['beginAttempt', 'clearAttempts', 'consumeTimeStep', 'acquireLock', 'releaseLock'] as const;

function resolveMfa(
  options: SessionModuleOptions,
  secrets: string[],
  production: boolean,
  warnings: OptionWarnings,
  problems: OptionProblems,
): ResolvedMfaOptions | undefined {
  const mfa: MfaOptions | undefined = options.mfa;
  if (!mfa) return undefined;
  const defaults = SESSION_DEFAULTS.mfa;
  const secretStore = mfa.secretStore as Partial<MfaSecretStore> | undefined;
  if (!secretStore || MFA_SECRET_STORE_METHODS.some((method) => typeof secretStore[method] !== 'function')) {
    problems.add('mfa.secretStore must implement MfaSecretStore (find, save, remove).');
  }
  let pastSteps = mfa.pastSteps ?? defaults.pastSteps;
  if (!Number.isInteger(pastSteps) || pastSteps < 0 || pastSteps > LIMITS.maxMfaPastSteps) {
    problems.add(`mfa.pastSteps must be 0, 1 or 2, not ${optionValueText(pastSteps)}.`);
    pastSteps = defaults.pastSteps;
  }
  let maxAttempts = mfa.maxAttempts ?? defaults.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > LIMITS.maxMfaAttempts) {
    problems.add(`mfa.maxAttempts must be a whole number from 1 to 100 (ASVS 2.2.1), not ${optionValueText(maxAttempts)}.`);
    maxAttempts = defaults.maxAttempts;
  } else if (maxAttempts > defaults.maxAttempts) {
    warnings.warn(
      `mfa.maxAttempts is ${maxAttempts} (default ${defaults.maxAttempts}): more codes can be guessed before the account locks.`,
    );
  }
  const checkedLockout = atLeastOneSecond('mfa.lockoutDuration', mfa.lockoutDuration, defaults.lockoutDuration, problems);
  const checkedMaxLockout = atLeastOneSecond('mfa.maxLockoutDuration', mfa.maxLockoutDuration, defaults.maxLockoutDuration, problems);
  const lockoutDuration = checkedLockout ?? defaults.lockoutDuration;
  const maxLockoutDuration = checkedMaxLockout ?? defaults.maxLockoutDuration;
  const bothValid = checkedLockout !== undefined && checkedMaxLockout !== undefined;
  if (bothValid && maxLockoutDuration < lockoutDuration) {
    problems.add(
      `mfa.maxLockoutDuration (${maxLockoutDuration} ms) must not be shorter than mfa.lockoutDuration (${lockoutDuration} ms).`,
    );
  } else if (lockoutDuration < defaults.lockoutDuration || maxLockoutDuration < defaults.maxLockoutDuration) {
    warnings.warn('mfa.lockoutDuration or mfa.maxLockoutDuration is below its default: locked accounts can be guessed at sooner.');
  }
  const stepUpMaxAge = atLeastOneSecond('mfa.stepUpMaxAge', mfa.stepUpMaxAge, defaults.stepUpMaxAge, problems) ?? defaults.stepUpMaxAge;
  if (stepUpMaxAge > defaults.stepUpMaxAge) {
    warnings.warn(
      `mfa.stepUpMaxAge is ${stepUpMaxAge} ms (default ${defaults.stepUpMaxAge}): an older MFA verification still unlocks sensitive routes.`,
    );
  }
  const pendingEnrollmentMaxAge =
    atLeastOneSecond('mfa.pendingEnrollmentMaxAge', mfa.pendingEnrollmentMaxAge, defaults.pendingEnrollmentMaxAge, problems) ?? defaults.pendingEnrollmentMaxAge;
  if (pendingEnrollmentMaxAge > defaults.pendingEnrollmentMaxAge) {
    warnings.warn(
      `mfa.pendingEnrollmentMaxAge is ${pendingEnrollmentMaxAge} ms (default ${defaults.pendingEnrollmentMaxAge}): a forgotten enrolment can be confirmed later.`,
    );
  }
  const endOtherSessionsOnChange = resolveEndOtherSessions(
    mfa.endOtherSessionsOnChange,
    // Sealed cookies have no index either; resolveCookieStore names that problem itself.
    options.sessionIndex === false || (isCookieStore(options.store) && mfa.endOtherSessionsOnChange !== true),
    warnings,
    problems,
  );
  let issuer = mfa.issuer ?? defaults.issuer;
  if (typeof issuer !== 'string' || issuer.length === 0) {
    problems.add(`mfa.issuer must be a non-empty string, not ${optionValueText(issuer)}.`);
    issuer = defaults.issuer;
  }
  const stateStore = mfa.stateStore as Partial<MfaStateStore> | undefined;
  if (stateStore !== undefined && (!stateStore || MFA_STATE_STORE_METHODS.some((method) => typeof stateStore[method] !== 'function'))) {
    problems.add(`mfa.stateStore must implement MfaStateStore (${MFA_STATE_STORE_METHODS.join(', ')}).`);
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
    encryptionKeys: resolveEncryptionKeys(mfa.encryptionKeys, secrets, production, warnings, problems),
    stateStore: mfa.stateStore,
  };
}

const PASSKEY_STORE_METHODS = ['findById', 'listByUser', 'add', 'update', 'remove'] as const;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function resolvePasskeys(options: SessionModuleOptions, problems: OptionProblems): ResolvedPasskeyOptions | undefined {
  const passkeys: PasskeyOptions | undefined = options.passkeys;
  if (passkeys === undefined) return undefined;
  if (typeof passkeys !== 'object' || passkeys === null) {
    problems.add('passkeys must be an object { rpID, rpName, origins, store }.');
    return undefined;
  }
  if (!options.mfa) {
    problems.add('passkeys needs mfa: a passkey is a second factor and shares its attempt budget, lock and step-up; configure mfa too.');
  }
  const { rpID, rpName, origins } = passkeys;
  const rpIdValid = typeof rpID === 'string' && HOSTNAME.test(rpID) && !/^[0-9.]+$/.test(rpID);
  if (!rpIdValid) {
    problems.add(
      `passkeys.rpID must be a lower-case domain name such as 'example.com' or 'localhost' (no scheme, port, path or IP address: WebAuthn refuses IP addresses), not ${optionValueText(rpID)}.`,
    );
  }
  if (typeof rpName !== 'string' || rpName.trim().length === 0) {
    problems.add(`passkeys.rpName must be a non-empty string, not ${optionValueText(rpName)}.`);
  }
  if (!Array.isArray(origins) || origins.length === 0) {
    problems.add("passkeys.origins must be a non-empty list of origins such as ['https://example.com'].");
  } else if (rpIdValid) {
    for (const origin of origins) {
      const problem = passkeyOriginProblem(origin, rpID);
      if (problem) problems.add(problem);
    }
  }
  const store = passkeys.store as Partial<PasskeyStore> | undefined;
  if (!store || typeof store !== 'object' || PASSKEY_STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
    problems.add(`passkeys.store must implement PasskeyStore (${PASSKEY_STORE_METHODS.join(', ')}).`);
  }
  const defaults = SESSION_DEFAULTS.passkeys;
  const challengeTtl =
    boundedMs('passkeys.challengeTtl', passkeys.challengeTtl, defaults.challengeTtl, LIMITS.minTimeout, LIMITS.maxPasskeyChallengeTtl, problems) ??
    defaults.challengeTtl;
  return { rpID, rpName, origins: Array.isArray(origins) ? [...origins] : [], store: passkeys.store, challengeTtl };
}

/** An exact origin on `rpID` or a subdomain of it; https, or http on localhost only. */
function passkeyOriginProblem(origin: unknown, rpID: string): string | undefined {
  const refuse = (why: string) => `passkeys.origins: ${optionValueText(origin)} ${why}.`;
  if (typeof origin !== 'string') return refuse('is not a string');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return refuse("is not an origin such as 'https://example.com'");
  }
  if (url.origin !== origin) return refuse(`is not an exact origin (scheme, host and port only: '${url.origin}')`);
  const host = url.hostname;
  if (host !== rpID && !host.endsWith(`.${rpID}`)) return refuse(`is not on the rpID '${rpID}' or a subdomain of it`);
  const localhost = host === 'localhost' || host.endsWith('.localhost');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) return refuse('must use https (http only on localhost)');
  return undefined;
}

function resolveEndOtherSessions(
  value: unknown,
  withoutSessionIndex: boolean,
  warnings: OptionWarnings,
  problems: OptionProblems,
): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    problems.add(`mfa.endOtherSessionsOnChange must be true or false, not ${optionValueText(value)}.`);
    return !withoutSessionIndex && SESSION_DEFAULTS.mfa.endOtherSessionsOnChange;
  }
  if (withoutSessionIndex) {
    if (value === true) problems.add('mfa.endOtherSessionsOnChange needs the session index; sessionIndex is false.');
    return false;
  }
  if (value === false) {
    warnings.warn('mfa.endOtherSessionsOnChange is false: sessions opened before an MFA change (perhaps with a leaked password) stay signed in.');
  }
  return value ?? SESSION_DEFAULTS.mfa.endOtherSessionsOnChange;
}

const KEY_HINT = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

function resolveEncryptionKeys(
  keys: MfaEncryptionKey[] | undefined,
  secrets: string[],
  production: boolean,
  warnings: OptionWarnings,
  problems: OptionProblems,
): ResolvedEncryptionKey[] {
  if (keys === undefined) {
    if (production) {
      problems.add(`mfa.encryptionKeys is required in production: [{ id: 'k1', key: <32 random bytes> }]; ${KEY_HINT}`);
    } else {
      warnings.warn(
        'mfa.encryptionKeys is not set: TOTP secrets are encrypted under a key derived from the session secret. Set explicit keys before production.',
      );
    }
    return [derivedEncryptionKey(secrets)];
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.add(`mfa.encryptionKeys must be a non-empty list of { id, key }; ${KEY_HINT}`);
    return [];
  }
  const seen = new Set<string>();
  const resolved: ResolvedEncryptionKey[] = [];
  keys.forEach((entry, index) => {
    const id = (entry as Partial<MfaEncryptionKey> | undefined)?.id;
    if (typeof id !== 'string' || !KEY_ID_SHAPE.test(id)) {
      problems.add(`mfa.encryptionKeys[${index}].id must be 1-32 characters of A-Z a-z 0-9 _ -, not ${optionValueText(id)}.`);
      return;
    }
    if (seen.has(id)) {
      problems.add(`mfa.encryptionKeys has the id "${id}" twice; ids must be unique.`);
      return;
    }
    seen.add(id);
    const key = decodeEncryptionKey(entry.key);
    if (!key) {
      problems.add(`mfa.encryptionKeys[${index}] ("${id}").key must be exactly 32 bytes (a Buffer, 64 hex characters or base64); ${KEY_HINT}`);
      return;
    }
    resolved.push({ id, key });
  });
  return resolved;
}

function resolveOnEvent(onEvent: SessionEventListener | undefined, problems: OptionProblems): SessionEventListener | undefined {
  if (onEvent === undefined || typeof onEvent === 'function') return onEvent;
  problems.add('onEvent must be a function (event) => void.');
  return undefined;
}

const SESSION_INDEX_METHODS = ['put', 'replace', 'list', 'get', 'remove', 'close'] as const;

function resolveDevices(
  options: SessionModuleOptions,
  warnings: OptionWarnings,
  problems: OptionProblems,
): Pick<ResolvedSessionOptions, 'maxSessionsPerUser' | 'sessionLimitPolicy' | 'sessionIndex'> {
  let max = options.maxSessionsPerUser ?? SESSION_DEFAULTS.maxSessionsPerUser;
  if (!Number.isSafeInteger(max) || max < 1) {
    problems.add(`maxSessionsPerUser must be a positive integer, not ${optionValueText(max)}.`);
    max = SESSION_DEFAULTS.maxSessionsPerUser;
  }
  let policy = options.sessionLimitPolicy ?? SESSION_DEFAULTS.sessionLimitPolicy;
  if (policy !== 'evict-oldest' && policy !== 'reject') {
    problems.add(`sessionLimitPolicy must be 'evict-oldest' or 'reject', not ${optionValueText(policy)}.`);
    policy = SESSION_DEFAULTS.sessionLimitPolicy;
  }
  const index = options.sessionIndex;
  if (index === false) {
    warnings.warn(
      'sessionIndex is false: sessions cannot be listed or revoked (no logout everywhere) and maxSessionsPerUser is not enforced.',
    );
  } else if (index !== undefined) {
    if (typeof index !== 'object' || index === null || SESSION_INDEX_METHODS.some((m) => typeof index[m] !== 'function')) {
      problems.add(`sessionIndex must implement SessionIndex (${SESSION_INDEX_METHODS.join(', ')}), or be false.`);
    }
  }
  return { maxSessionsPerUser: max, sessionLimitPolicy: policy, sessionIndex: index };
}
