/** Injection token of the {@link SessionStore} the module uses (see `@InjectSessionStore()`). */
export const SESSION_STORE = 'SESSION:STORE';

/** Metadata key set by `@Public()`: the route needs no session at all. */
export const PUBLIC_ROUTE = 'SESSION:PUBLIC';

/** Metadata key set by `@SkipMfa()`: a password-authenticated session may reach the route before MFA. */
export const SKIP_MFA = 'SESSION:SKIP_MFA';
