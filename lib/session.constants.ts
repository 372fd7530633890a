/**
 * The package's public injection tokens and metadata keys: the only home of tokens an app may
 * use. Tokens the module keeps to itself live in `session.internal-constants.ts`.
 */

/** Injection token of the {@link SessionStore} the module uses (see `@InjectSessionStore()`). */
export const SESSION_STORE = 'SESSION:STORE';

/**
 * Injection token of the Redis the sessions live in (`{ client, prefix }`, a RedisPlace from
 * `nest-secure-session/redis`), or `undefined` on the memory store and an app's own store: for
 * state an app keeps beside the sessions and shares between instances (login throttles, say).
 * Keys the app writes there belong under a prefix of its own after `prefix`.
 */
export const SESSION_REDIS = 'SESSION:REDIS';

/** Metadata key set by `@Public()`: the route needs no session at all. */
export const PUBLIC_ROUTE = 'SESSION:PUBLIC';

/** Metadata key set by `@SkipMfa()`: a password-authenticated session may reach the route before MFA. */
export const SKIP_MFA = 'SESSION:SKIP_MFA';

/** Metadata key set by `@RequireMfa()`. */
export const REQUIRE_MFA = 'SESSION:REQUIRE_MFA';

/**
 * Injection token of the clock (epoch ms) the MFA code reads: TOTP steps, lock ends, step-up
 * freshness. The server's clock, never one a client sends. Its default reads `Date.now()` at
 * each call, so faking `Date` (see `useSessionTestClock` in `nest-secure-session/testing`)
 * drives MFA and session lifetimes alike; overriding this token moves MFA time only:
 * `Test.createTestingModule(...).overrideProvider(MFA_CLOCK).useValue(() => fakeNow)`.
 */
export const MFA_CLOCK = 'SESSION:MFA_CLOCK';

/** A clock: epoch milliseconds. */
export type MfaClock = () => number;

/** Injection token of the {@link MfaStateStore} the module uses (null when MFA is off). */
export const MFA_STATE_STORE = 'SESSION:MFA_STATE_STORE';
