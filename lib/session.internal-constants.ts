/** The validated, defaulted options (never exported from the package). */
export const RESOLVED_SESSION_OPTIONS = 'SESSION:RESOLVED_OPTIONS';

/** The SessionEngine: the request path of the session (cookie, load, save). */
export const SESSION_ENGINE = 'SESSION:ENGINE';

/** The resolved `mfa` options; provided only when MFA is registered. */
export const RESOLVED_MFA_OPTIONS = 'SESSION:RESOLVED_MFA_OPTIONS';

/** Whether SessionModule registered MfaService (forRoot: `mfa` given; forRootAsync: `mfa: true`). */
export const MFA_REGISTERED = 'SESSION:MFA_REGISTERED';
