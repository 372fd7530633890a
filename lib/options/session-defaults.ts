import type { AnomalyAction, BindingPolicy, SameSitePolicy, SessionLimitPolicy } from './session-module-options.interface.js';

/**
 * The default of every option that has a fixed one, shaped like {@link SessionModuleOptions}:
 * the resolver reads them from here and a test checks README's options table against them.
 * Durations are milliseconds.
 */
export const SESSION_DEFAULTS = {
  cookie: {
    name: '__Host-sid',
    sameSite: 'lax' as SameSitePolicy,
  },
  idleTimeout: 30 * 60_000,
  absoluteTimeout: 12 * 60 * 60_000,
  rotateInterval: 15 * 60_000,
  rotateGracePeriod: 10_000,
  binding: {
    userAgent: 'strict' as BindingPolicy,
    ip: 'warn' as BindingPolicy,
    ipMatch: 'prefix' as 'prefix' | 'exact',
  },
  storeTimeout: 1_000,
  mfa: {
    issuer: 'nest-secure-session',
    pastSteps: 1,
    maxAttempts: 5,
    lockoutDuration: 30_000,
    maxLockoutDuration: 15 * 60_000,
    stepUpMaxAge: 5 * 60_000,
    pendingEnrollmentMaxAge: 10 * 60_000,
    endOtherSessionsOnChange: true,
  },
  passkeys: {
    challengeTtl: 5 * 60_000,
  },
  oidc: {
    scope: 'openid',
    backchannelLogoutPath: '/oidc/backchannel-logout',
    logoutTokenMaxAge: 120_000,
    clockTolerance: 5_000,
    loginTimeout: 10 * 60_000,
    mfaAfterLogin: 'trust-provider' as 'trust-provider' | 'always',
  },
  allowInsecureHttp: false,
  maxSessionsPerUser: 100,
  sessionLimitPolicy: 'evict-oldest' as SessionLimitPolicy,
  tokens: {
    ttl: 5 * 60_000,
    clockTolerance: 5_000,
    serveJwks: true,
  },
  monitoring: {
    locationJump: { action: 'report' as AnomalyAction, maxDistanceKm: 1000 },
    impossibleTravel: { action: 'report' as AnomalyAction, maxSpeedKmh: 1000 },
    newDevice: { action: 'report' as AnomalyAction, window: 30 * 24 * 60 * 60_000 },
    activityLog: { maxEntries: 50, ttl: 30 * 24 * 60 * 60_000, fullIp: false },
  },
} as const;

/** Bounds and fallbacks the resolver enforces; not options themselves. */
export const SESSION_OPTION_LIMITS = {
  /** The cookie name under `allowInsecureHttp` (browsers refuse `__Host-` cookies without Secure). */
  insecureCookieName: 'sid',
  minSecretBytes: 32,
  minTimeout: 1_000,
  maxRotateGracePeriod: 30_000,
  minStoreTimeout: 10,
  maxStoreTimeout: 30_000,
  maxMfaAttempts: 100,
  maxMfaPastSteps: 2,
  maxPasskeyChallengeTtl: 5 * 60_000,
  minTokenTtl: 10_000,
  maxTokenTtl: 60 * 60_000,
  maxTokenClockTolerance: 60_000,
} as const;
