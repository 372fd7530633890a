import type { ResolvedCsrfOptions } from '../csrf/csrf-options.js';
import type { SessionIndex } from '../devices/session-index.interface.js';
import type { SessionEventListener } from '../events/session-events.js';
import type { ResolvedMonitoringOptions } from '../monitoring/resolve-monitoring-options.js';
import type { MfaSecretStore } from '../mfa/mfa-secret-store.interface.js';
import type { MfaStateStore } from '../mfa/mfa-state-store.interface.js';
import type { ResolvedEncryptionKey } from '../mfa/secret-cipher.js';
import type { PasskeyStore } from '../passkeys/passkey-store.interface.js';
import type { ResolvedTokenOptions } from '../tokens/token-options.js';
import type { ResolvedOidcOptions } from '../oidc/oidc-options.js';
import type {
  ClientBindingOptions,
  SessionCookieOptions,
  SessionLimitPolicy,
  SessionModuleOptions,
} from './session-module-options.interface.js';

/** MFA options after validation and defaulting. */
export interface ResolvedMfaOptions {
  secretStore: MfaSecretStore;
  issuer: string;
  pastSteps: number;
  maxAttempts: number;
  lockoutDuration: number;
  maxLockoutDuration: number;
  stepUpMaxAge: number;
  pendingEnrollmentMaxAge: number;
  endOtherSessionsOnChange: boolean;
  encryptionKeys: ResolvedEncryptionKey[];
  stateStore: MfaStateStore | undefined;
}

/** Passkey options after validation and defaulting. */
export interface ResolvedPasskeyOptions {
  rpID: string;
  rpName: string;
  origins: string[];
  store: PasskeyStore;
  challengeTtl: number;
}

/** Options after validation and defaulting: what the rest of the module reads. */
export interface ResolvedSessionOptions {
  secrets: string[];
  store: SessionModuleOptions['store'];
  cookie: Required<SessionCookieOptions> & { secure: boolean | 'auto' };
  idleTimeout: number;
  absoluteTimeout: number;
  /** lastSeenAt is written at most this often, so a steady-state read is one store command. */
  activityWriteInterval: number;
  rotateInterval: number;
  rotateGracePeriod: number;
  binding: Required<ClientBindingOptions>;
  idHashSecret: string;
  storeTimeout: number;
  mfa: ResolvedMfaOptions | undefined;
  passkeys: ResolvedPasskeyOptions | undefined;
  onEvent: SessionEventListener | undefined;
  allowInsecureHttp: boolean;
  production: boolean;
  maxSessionsPerUser: number;
  sessionLimitPolicy: SessionLimitPolicy;
  /** An app-supplied index, `false` (opted out), or undefined (the module builds the store's own). */
  sessionIndex: SessionIndex | false | undefined;
  csrf: ResolvedCsrfOptions;
  /** Session-bound access tokens; undefined when not configured. */
  tokens: ResolvedTokenOptions | undefined;
  /** Undefined when monitoring is off. */
  monitoring: ResolvedMonitoringOptions | undefined;
  /** Single sign-on; undefined without `oidc`. */
  oidc: ResolvedOidcOptions | undefined;
}

/** Where the resolver reports each default an option loosens. */
export interface OptionWarnings {
  warn(message: string): void;
}
