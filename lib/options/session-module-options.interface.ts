import type { CsrfOptions } from '../csrf/csrf-options.js';
import type { SessionIndex } from '../devices/session-index.interface.js';
import type { SessionEventListener } from '../events/session-events.js';
import type { GeoResolver } from '../monitoring/geo-location.js';
import type { RiskAssessor } from '../monitoring/risk-assessment.js';
import type { SecurityActivityStore } from '../monitoring/security-activity.store.js';
import type { MfaSecretStore } from '../mfa/mfa-secret-store.interface.js';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import type { MfaEncryptionKey } from '../mfa/secret-cipher.js';
import type { PasskeyStore } from '../passkeys/passkey-store.interface.js';
import type { OidcOptions } from '../oidc/oidc-options.js';
import type { RedisStoreOptions } from '../store/redis-session.store.js';
import type { SessionStore } from '../store/session-store.interface.js';
import type { SealedCookieStoreOptions } from '../sealed/sealed-cookie-options.js';
import type { TokenOptions } from '../tokens/token-options.js';

// What an app passes to SessionModule.forRoot / forRootAsync. Types and documentation only: the
// defaults live in session-defaults.ts, the checks in resolve-session-options.ts.

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

/**
 * Passkeys (WebAuthn). They need `mfa` too: a passkey is a second factor of the same MFA model
 * (attempt budget, lock, step-up), and a user-verifying passkey signs in alone (both factors).
 */
export interface PasskeyOptions {
  /**
   * The relying party ID: your site's registrable domain or a parent of it (`example.com`), no
   * scheme, port or path. Passkeys are bound to it for good: changing it orphans every passkey.
   * WebAuthn refuses IP addresses; use `localhost` in development.
   */
  rpID: string;
  /** The name authenticators show ("Example Inc."). */
  rpName: string;
  /**
   * The exact origins your pages run on (`https://example.com`, `https://www.example.com`); an
   * assertion made on any other origin is refused. `https:` only, except `http://localhost[:port]`.
   */
  origins: string[];
  /** Where credentials live: you implement `PasskeyStore`. */
  store: PasskeyStore;
  /**
   * How long a challenge waits in the session for its answer (milliseconds, 1 s to 5 min);
   * it is single-use either way.
   * @default 300_000 (5 minutes)
   */
  challengeTtl?: number;
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

/**
 * What an anomaly does: `report` emits its event (and logs it in the user's security activity)
 * only; `step-up` also makes the session verify MFA again before any route MfaGuard guards
 * (403 `step_up_required`), and ends it when the user has no MFA; `end` ends the session (at
 * login: the login is refused with 401).
 */
export type AnomalyAction = 'report' | 'step-up' | 'end';

export interface MonitoringOptions {
  /**
   * Where client IPs are located: `new MaxMindGeoResolver({ path })`, `new
   * TrustedHeaderGeoResolver()` (CDN headers, trusted from a `trust proxy` peer only) or your
   * own. Without it no address is looked up and the location rules do not run.
   */
  geo?: GeoResolver;
  /**
   * Two consecutive requests of a session, or two consecutive logins of a user, farther apart
   * than `maxDistanceKm` once both accuracy radii are subtracted: `anomaly.location_jump`.
   * @default { action: 'report', maxDistanceKm: 1000 }
   */
  locationJump?: { action?: AnomalyAction; maxDistanceKm?: number };
  /**
   * A login whose distance from the user's previous login, over the time between them, needs
   * more than `maxSpeedKmh` (radii subtracted): `anomaly.impossible_travel`.
   * @default { action: 'report', maxSpeedKmh: 1000 }
   */
  impossibleTravel?: { action?: AnomalyAction; maxSpeedKmh?: number };
  /**
   * A login from a browser and OS family (e.g. `Firefox on Android`) the user has not logged in
   * with for `window` ms: `anomaly.new_device`. A user's very first login raises nothing.
   * @default { action: 'report', window: 2_592_000_000 (30 days) }
   */
  newDevice?: { action?: AnomalyAction; window?: number };
  /** The per-user security activity log (in the session store's backend). */
  activityLog?: {
    /** @default 50 */
    maxEntries?: number;
    /** How long a user's log (and login history) is kept after its last entry (ms). @default 2_592_000_000 (30 days) */
    ttl?: number;
    /**
     * Store whole client IPs. By default they are cut to their /24 (IPv4) or /48 (IPv6)
     * network: enough to recognise a place, not a household. Turning it on logs a warning.
     * @default false
     */
    fullIp?: boolean;
  };
  /**
   * Your own risk scoring (rules, a model, a deny list): called on each login and each
   * location change of a session, with what the module found; the action it returns applies
   * if it is stronger than the rules' own (raised as `anomaly.risk`). Errors are logged and
   * ignored.
   */
  assessRisk?: RiskAssessor;
  /**
   * Where the activity log and login history live. Built by the module beside the memory and
   * Redis stores; required beside a custom `store`.
   */
  activityStore?: SecurityActivityStore;
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
   * `{ cookie: { keys } }` seals the whole session in its cookie (docs/sealed-cookies.md):
   * no device lists, session limits or tokens with it.
   * @default { memory: {} }
   */
  store?: SessionStore | { memory: { maxSessions?: number } } | { redis: RedisStoreOptions } | { cookie: SealedCookieStoreOptions };
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
  /** Passkeys (WebAuthn): second factor, step-up and passwordless login. Needs `mfa`. Without it, no PasskeyService. */
  passkeys?: PasskeyOptions;
  /**
   * Single sign-on and single sign-out with an OpenID Provider: code + PKCE login
   * (OidcService), back-channel logout at `oidc.backchannelLogoutPath`, RP-initiated logout.
   * Needs the session index and the optional peer `openid-client`. With forRootAsync, pass
   * `oidc: true` too. See docs/single-sign-on.md.
   */
  oidc?: OidcOptions;
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
  /**
   * Session-bound JWT access tokens (docs/tokens.md): `SessionTokens.issue(req)` mints one for
   * the request's fully authenticated session, `SessionTokenGuard` accepts it as
   * `Authorization: Bearer` while that session lives. Without it, neither is registered.
   * With forRootAsync pass `tokens: true` too.
   */
  tokens?: TokenOptions;

  /**
   * Session monitoring: locations, location jumps, impossible travel, new devices, and a
   * per-user security activity log (docs/monitoring.md). Off unless given.
   * @default undefined (off)
   */
  monitoring?: MonitoringOptions;
}
