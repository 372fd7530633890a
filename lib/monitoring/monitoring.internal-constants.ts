/** The security activity store the monitor writes to, with whether the module must close it. */
export const SECURITY_ACTIVITY_STORE = 'SESSION:SECURITY_ACTIVITY_STORE';
