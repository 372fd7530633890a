/** The session index the module uses, with whether it must close it (never exported from the package). */
export const SESSION_INDEX = 'SESSION:INDEX';
