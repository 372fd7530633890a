import type { Provider } from '@nestjs/common';
import { SESSION_STORE } from '../session.constants.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { MFA_CLOCK, MFA_STATE_STORE } from './mfa.constants.js';
import { createMfaStateStore } from './mfa-state-store.factory.js';

/** What MfaService needs besides the options: its clock and the shared MFA state. */
export const mfaProviders: Provider[] = [
  // Read Date.now at each call, like the rest of the module, so one faked clock drives everything.
  { provide: MFA_CLOCK, useValue: () => Date.now() },
  { provide: MFA_STATE_STORE, inject: [RESOLVED_SESSION_OPTIONS, SESSION_STORE], useFactory: createMfaStateStore },
];

/** Tokens SessionModule exports for MFA (inject them with `@Inject(MFA_STATE_STORE)` and so on). */
export const mfaExports = [MFA_CLOCK, MFA_STATE_STORE];
