import type { OptionalModulePart } from '../optional-module-part.js';
import type { Provider } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { SessionBackend } from '../backend/session-backend.js';
import { MFA_REGISTERED, RESOLVED_MFA_OPTIONS, RESOLVED_SESSION_OPTIONS, SESSION_BACKEND } from '../session.internal-constants.js';
import type { ResolvedMfaOptions } from '../options/resolved-session-options.js';
import { MFA_STATE_STORE } from './mfa.constants.js';
import { MfaService } from './mfa.service.js';
import type { MfaStateStore } from './mfa-state-store.interface.js';

/**
 * The providers and exports MFA adds to SessionModule, only when it is configured: without
 * `mfa` there is no MfaService to inject (bootstrap says so), rather than one that fails later.
 * `MFA_REGISTERED` tells the option resolver, which refuses `mfa` options without MfaService.
 */
export function mfaModuleParts(registered: boolean): OptionalModulePart {
  const flag: Provider = { provide: MFA_REGISTERED, useValue: registered };
  if (!registered) return { providers: [flag], exports: [] };
  return {
    providers: [
      flag,
      // Defined whenever MFA is registered: the resolver refuses registration without `mfa`.
      { provide: RESOLVED_MFA_OPTIONS, inject: [RESOLVED_SESSION_OPTIONS], useFactory: (options: ResolvedSessionOptions) => options.mfa },
      {
        // The app's, or the one beside the sessions (the resolver requires the app's beside its own store).
        provide: MFA_STATE_STORE,
        inject: [RESOLVED_MFA_OPTIONS, SESSION_BACKEND],
        useFactory: mfaStateStoreFor,
      },
      MfaService,
    ],
    exports: [MfaService, MFA_STATE_STORE],
  };
}

function mfaStateStoreFor(mfa: ResolvedMfaOptions, backend: SessionBackend): MfaStateStore {
  const store = mfa.stateStore ?? backend.mfaState();
  if (!store) throw new Error('SessionModule: mfa.stateStore is required beside an app-supplied store.');
  return store;
}
