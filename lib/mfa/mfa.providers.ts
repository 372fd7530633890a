import type { Provider } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { SESSION_STORE } from '../session.constants.js';
import { MFA_REGISTERED, RESOLVED_MFA_OPTIONS, RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { MFA_STATE_STORE } from './mfa.constants.js';
import { createMfaStateStore } from './mfa-state-store.factory.js';
import { MfaService } from './mfa.service.js';

/**
 * The providers and exports MFA adds to SessionModule, only when it is configured: without
 * `mfa` there is no MfaService to inject (bootstrap says so), rather than one that fails later.
 * `MFA_REGISTERED` tells the option resolver, which refuses `mfa` options without MfaService.
 */
export function mfaModuleParts(registered: boolean): { providers: Provider[]; exports: Array<string | typeof MfaService> } {
  const flag: Provider = { provide: MFA_REGISTERED, useValue: registered };
  if (!registered) return { providers: [flag], exports: [] };
  return {
    providers: [
      flag,
      // Defined whenever MFA is registered: the resolver refuses registration without `mfa`.
      { provide: RESOLVED_MFA_OPTIONS, inject: [RESOLVED_SESSION_OPTIONS], useFactory: (options: ResolvedSessionOptions) => options.mfa },
      { provide: MFA_STATE_STORE, inject: [RESOLVED_MFA_OPTIONS, SESSION_STORE], useFactory: createMfaStateStore },
      MfaService,
    ],
    exports: [MfaService, MFA_STATE_STORE],
  };
}
