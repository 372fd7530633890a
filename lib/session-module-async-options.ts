import type { SESSION_MODULE_ASYNC_OPTIONS_TYPE } from './session.module-definition.js';

/**
 * What `SessionModule.forRootAsync()` takes: `useFactory` with `imports` and `inject`,
 * `useClass` or `useExisting` (a {@link SessionOptionsFactory}), and `isGlobal`.
 */
export type SessionModuleAsyncOptions = typeof SESSION_MODULE_ASYNC_OPTIONS_TYPE;
