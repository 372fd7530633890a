/**
 * The internal tokens' home is `session.internal-constants.ts`; re-exported here for the files
 * that still import it from here.
 */
export { SESSION_INDEX } from '../session.internal-constants.js';
