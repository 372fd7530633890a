import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { mfaModuleParts } from './mfa/mfa.providers.js';
import { oidcModuleParts } from './oidc/oidc.providers.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';
import { passkeyModuleParts } from './passkeys/passkey.providers.js';
import type { OptionalModulePart } from './optional-module-part.js';
import { tokensModuleParts } from './tokens/tokens.providers.js';

export const {
  ConfigurableModuleClass: ConfigurableSessionModule,
  MODULE_OPTIONS_TOKEN: SESSION_MODULE_OPTIONS,
  OPTIONS_TYPE: SESSION_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SESSION_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SessionModuleOptions>({ moduleName: 'Session' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSessionOptions')
  .setExtras({ isGlobal: false }, withOptionalParts)
  .build();

/**
 * forRootAsync's options. `mfa: true` registers MfaService (and its state store), `passkeys: true`
 * PasskeyService, `tokens: true` SessionTokens (and the JWKS route): the options are not known
 * while Nest builds the module graph, so the app says which parts they will have.
 * Bootstrap fails if the factory's options disagree.
 */
export type SessionModuleAsyncOptions = typeof SESSION_MODULE_ASYNC_OPTIONS_TYPE & { mfa?: boolean; passkeys?: boolean; tokens?: boolean; oidc?: boolean };

/** What a `useClass` / `useExisting` options provider implements for forRootAsync. */
export interface SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions | Promise<SessionModuleOptions>;
}

/**
 * The builder hands this the extras merged with forRoot's options (so `mfa` is the MFA options
 * object) or with forRootAsync's (so `mfa` is the `mfa: true` flag): each optional part (MFA,
 * passkeys, tokens, single sign-on) is registered when set.
 */
function withOptionalParts(definition: DynamicModule, extras: { isGlobal: boolean }): DynamicModule {
  const asked = extras as { mfa?: unknown; passkeys?: unknown; tokens?: unknown; oidc?: unknown };
  const parts: OptionalModulePart[] = [
    mfaModuleParts(Boolean(asked.mfa)),
    passkeyModuleParts(Boolean(asked.passkeys)),
    tokensModuleParts(Boolean(asked.tokens)),
    oidcModuleParts(Boolean(asked.oidc)),
  ];
  return {
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), ...parts.flatMap((part) => part.providers)],
    exports: [...(definition.exports ?? []), ...parts.flatMap((part) => part.exports)],
    controllers: [...(definition.controllers ?? []), ...parts.flatMap((part) => part.controllers ?? [])],
  };
}
