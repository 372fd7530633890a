/** The validated, defaulted options (never exported from the package). */
export const RESOLVED_SESSION_OPTIONS = 'SESSION:RESOLVED_OPTIONS';

/** The express-session middleware the module mounts. */
export const SESSION_MIDDLEWARE = 'SESSION:MIDDLEWARE';
