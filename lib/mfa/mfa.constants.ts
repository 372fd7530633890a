/**
 * The MFA tokens' home is `session.constants.ts` (public tokens have one home). This module
 * re-exports them for the files that still import them from here.
 */
export { MFA_CLOCK, MFA_STATE_STORE, REQUIRE_MFA, type MfaClock } from '../session.constants.js';
