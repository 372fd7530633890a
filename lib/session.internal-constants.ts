/** Tokens the module keeps to itself: never exported from the package. */

/** The validated, defaulted options. */
export const RESOLVED_SESSION_OPTIONS = 'SESSION:RESOLVED_OPTIONS';

/** The SessionEngine: the request path of the session (cookie, load, save). */
export const SESSION_ENGINE = 'SESSION:ENGINE';
/** The SessionBackend: the store and, beside it, the index and MFA state (see backend/). */
export const SESSION_BACKEND = 'SESSION:BACKEND';

/** The session index the module uses, with whether it must close it. */
export const SESSION_INDEX = 'SESSION:INDEX';

/** The resolved `mfa` options; provided only when MFA is registered. */
export const RESOLVED_MFA_OPTIONS = 'SESSION:RESOLVED_MFA_OPTIONS';

/** Whether SessionModule registered MfaService (forRoot: `mfa` given; forRootAsync: `mfa: true`). */
export const MFA_REGISTERED = 'SESSION:MFA_REGISTERED';

/** Whether SessionModule registered PasskeyService (forRoot: `passkeys` given; forRootAsync: `passkeys: true`). */
export const PASSKEYS_REGISTERED = 'SESSION:PASSKEYS_REGISTERED';
/** Whether SessionModule registered OidcService (forRoot: `oidc` given; forRootAsync: `oidc: true`). */
export const OIDC_REGISTERED = 'SESSION:OIDC_REGISTERED';
