import { ConfigurableModuleBuilder, type DynamicModule } from '@nestjs/common';
import { mfaModuleParts } from './mfa/mfa.providers.js';
import { oidcModuleParts } from './oidc/oidc.providers.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';

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
 * forRootAsync's options. `mfa: true` registers MfaService (and its state store): the options
 * are not known while Nest builds the module graph, so the app says whether they will have `mfa`.
 * Bootstrap fails if the factory's options disagree.
 */
export type SessionModuleAsyncOptions = typeof SESSION_MODULE_ASYNC_OPTIONS_TYPE & { mfa?: boolean; oidc?: boolean };

/** What a `useClass` / `useExisting` options provider implements for forRootAsync. */
export interface SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions | Promise<SessionModuleOptions>;
}

/**
 * The builder hands this the extras merged with forRoot's options (so `mfa` is the MFA options
 * object) or with forRootAsync's (so `mfa` is the `mfa: true` flag): MFA is registered when set.
 * Single sign-on (`oidc`) the same way.
 */
function withOptionalParts(definition: DynamicModule, extras: { isGlobal: boolean }): DynamicModule {
  const mfa = mfaModuleParts(Boolean((extras as { mfa?: unknown }).mfa));
  const oidc = oidcModuleParts(Boolean((extras as { oidc?: unknown }).oidc));
  return {
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), ...mfa.providers, ...oidc.providers],
    exports: [...(definition.exports ?? []), ...mfa.exports, ...oidc.exports],
  };
}
