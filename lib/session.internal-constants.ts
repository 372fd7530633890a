/** The validated, defaulted options (never exported from the package). */
export const RESOLVED_SESSION_OPTIONS = 'SESSION:RESOLVED_OPTIONS';

/** The SessionEngine: the request path of the session (cookie, load, save). */
export const SESSION_ENGINE = 'SESSION:ENGINE';
