import type { OptionalModulePart } from '../optional-module-part.js';
import type { Provider } from '@nestjs/common';
import { PASSKEYS_REGISTERED } from '../session.internal-constants.js';
import { PasskeyService } from './passkey.service.js';

/**
 * The providers and exports passkeys add to SessionModule, only when configured (like
 * mfaModuleParts). `PASSKEYS_REGISTERED` tells the option resolver.
 */
export function passkeyModuleParts(registered: boolean): OptionalModulePart {
  const flag: Provider = { provide: PASSKEYS_REGISTERED, useValue: registered };
  if (!registered) return { providers: [flag], exports: [] };
  return { providers: [flag, PasskeyService], exports: [PasskeyService] };
}
