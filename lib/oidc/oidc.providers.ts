import type { Provider } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { SESSION_STORE } from '../session.constants.js';
import { OIDC_REGISTERED, RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { BackchannelLogoutMiddleware } from './backchannel-logout.middleware.js';
import { OIDC_LINK_STORE, OIDC_PROVIDER_CLIENT, RESOLVED_OIDC_OPTIONS } from './oidc.constants.js';
import { createOidcLinkStore } from './oidc-link-store.factory.js';
import type { ResolvedOidcOptions } from './oidc-options.js';
import { OidcProviderClient } from './oidc-provider-client.js';
import { OidcService } from './oidc.service.js';
import { TimeBoundOidcLinkStore } from './time-bound-oidc-link.store.js';

/**
 * The providers and exports single sign-on adds to SessionModule, only when `oidc` is set (so
 * openid-client is never loaded otherwise). `OIDC_REGISTERED` tells the option resolver.
 */
export function oidcModuleParts(registered: boolean): { providers: Provider[]; exports: Array<typeof OidcService> } {
  const flag: Provider = { provide: OIDC_REGISTERED, useValue: registered };
  if (!registered) return { providers: [flag], exports: [] };
  return {
    providers: [
      flag,
      // Defined whenever OIDC is registered: the resolver refuses registration without `oidc`.
      { provide: RESOLVED_OIDC_OPTIONS, inject: [RESOLVED_SESSION_OPTIONS], useFactory: (options: ResolvedSessionOptions) => options.oidc },
      {
        provide: OIDC_LINK_STORE,
        inject: [SESSION_STORE, RESOLVED_SESSION_OPTIONS],
        useFactory: (store: SessionStore, options: ResolvedSessionOptions) => new TimeBoundOidcLinkStore(createOidcLinkStore(store), options.storeTimeout),
      },
      { provide: OIDC_PROVIDER_CLIENT, inject: [RESOLVED_OIDC_OPTIONS], useFactory: (options: ResolvedOidcOptions) => new OidcProviderClient(options) },
      OidcService,
      BackchannelLogoutMiddleware,
    ],
    exports: [OidcService],
  };
}
