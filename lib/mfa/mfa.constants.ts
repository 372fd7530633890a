/**
 * Injection token of the clock (epoch ms) the MFA code reads: TOTP steps, lock ends, step-up
 * freshness. The server's clock, never one a client sends. Tests override it:
 * `Test.createTestingModule(...).overrideProvider(MFA_CLOCK).useValue(() => fakeNow)`.
 */
export const MFA_CLOCK = 'SESSION:MFA_CLOCK';

/** A clock: epoch milliseconds. */
export type MfaClock = () => number;

/** Injection token of the {@link MfaStateStore} the module uses (provided only with `mfa`). */
export const MFA_STATE_STORE = 'SESSION:MFA_STATE_STORE';

/** Metadata key set by `@RequireMfa()`. */
export const REQUIRE_MFA = 'SESSION:REQUIRE_MFA';
