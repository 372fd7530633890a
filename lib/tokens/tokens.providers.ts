import type { OptionalModulePart } from '../optional-module-part.js';
import type { Provider, Type } from '@nestjs/common';
import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RESOLVED_SESSION_OPTIONS } from '../session.internal-constants.js';
import { JwksController } from './jwks.controller.js';
import { SessionTokenGuard } from './session-token.guard.js';
import { SessionTokens } from './session-tokens.service.js';
import { RESOLVED_TOKEN_OPTIONS, TOKENS_REGISTERED } from './tokens.internal-constants.js';

/**
 * What tokens add to SessionModule, only when configured (like MFA): SessionTokens, the guard
 * and the JWKS route. `TOKENS_REGISTERED` tells the option resolver, which refuses `tokens`
 * options without SessionTokens and the reverse.
 */
export function tokensModuleParts(registered: boolean): OptionalModulePart {
  const flag: Provider = { provide: TOKENS_REGISTERED, useValue: registered };
  if (!registered) return { providers: [flag], exports: [], controllers: [] };
  return {
    providers: [
      flag,
      { provide: RESOLVED_TOKEN_OPTIONS, inject: [RESOLVED_SESSION_OPTIONS], useFactory: (options: ResolvedSessionOptions) => options.tokens },
      SessionTokens,
      SessionTokenGuard,
    ],
    exports: [SessionTokens, SessionTokenGuard],
    controllers: [JwksController],
  };
}
