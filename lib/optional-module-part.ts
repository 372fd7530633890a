import type { DynamicModule, Provider, Type } from '@nestjs/common';

/**
 * What an optional part of SessionModule (MFA, passkeys, tokens) adds to the module when the
 * app asks for it: always a flag provider telling the option resolver whether it was asked for.
 */
export interface OptionalModulePart {
  providers: Provider[];
  exports: NonNullable<DynamicModule['exports']>;
  controllers?: Type[];
}
