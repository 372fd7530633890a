import type { OptionalModulePart } from '../optional-module-part.js';
import type { Provider } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import type { SessionBackend } from '../backend/session-backend.js';
import { OIDC_REGISTERED, RESOLVED_SESSION_OPTIONS, SESSION_BACKEND } from '../session.internal-constants.js';
import { BackchannelLogoutMiddleware } from './backchannel-logout.middleware.js';
import { OIDC_LINK_STORE, OIDC_PROVIDER_CLIENT, RESOLVED_OIDC_OPTIONS } from './oidc.constants.js';
import type { ResolvedOidcOptions } from './oidc-options.js';
import { OidcProviderClient } from './oidc-provider-client.js';
import { OidcService } from './oidc.service.js';
import { TimeBoundOidcLinkStore } from './time-bound-oidc-link.store.js';

/**
 * The providers and exports single sign-on adds to SessionModule, only when `oidc` is set (so
 * openid-client is never loaded otherwise). `OIDC_REGISTERED` tells the option resolver.
 */
export function oidcModuleParts(registered: boolean): OptionalModulePart {
  const flag: Provider = { provide: OIDC_REGISTERED, useValue: registered };
  if (!registered) return { providers: [flag], exports: [] };
  return {
    providers: [
      flag,
      // Defined whenever OIDC is registered: the resolver refuses registration without `oidc`.
      { provide: RESOLVED_OIDC_OPTIONS, inject: [RESOLVED_SESSION_OPTIONS], useFactory: (options: ResolvedSessionOptions) => options.oidc },
      {
        provide: OIDC_LINK_STORE,
        inject: [SESSION_BACKEND, RESOLVED_SESSION_OPTIONS],
        useFactory: (backend: SessionBackend, options: ResolvedSessionOptions) => new TimeBoundOidcLinkStore(backend.oidcLinks(), options.storeTimeout),
      },
      { provide: OIDC_PROVIDER_CLIENT, inject: [RESOLVED_OIDC_OPTIONS], useFactory: (options: ResolvedOidcOptions) => new OidcProviderClient(options) },
      OidcService,
      BackchannelLogoutMiddleware,
    ],
    exports: [OidcService],
  };
}
