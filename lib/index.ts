export { SessionModule } from './session.module.js';
export {
  SESSION_MODULE_OPTIONS,
  type SessionOptionsFactory,
} from './session.module-definition.js';
export { SESSION_DEFAULTS } from './options/session-defaults.js';
export { SessionOptionsError } from './errors/session-options.error.js';
export type { ResolvedMfaOptions } from './options/resolved-session-options.js';
export type {
  BindingPolicy,
  ClientBindingOptions,
  MfaOptions,
  SameSitePolicy,
  SessionCookieOptions,
  SessionLimitPolicy,
  SessionModuleOptions,
} from './options/session-module-options.interface.js';
export { PUBLIC_ROUTE, SESSION_STORE, SKIP_MFA } from './session.constants.js';
export type { CsrfOptions } from './csrf/csrf-options.js';
export { CsrfRefusedException } from './errors/csrf.exceptions.js';
export {
  SessionService,
  type LoginFailure,
  type LoginOptions,
  type LoginResult,
  type RegenerateOptions,
} from './session.service.js';
export type { CurrentSessionInfo, JsonValue, MfaState, SessionAuthState, SessionMeta, SessionUser } from './session.types.js';

export { LoginInterceptor } from './login/login.interceptor.js';
export { AuthenticatedGuard } from './guards/authenticated.guard.js';
export { MfaGuard } from './guards/mfa.guard.js';
export { CurrentSession } from './decorators/current-session.decorator.js';
export { Public } from './decorators/public.decorator.js';
export { SkipMfa } from './decorators/skip-mfa.decorator.js';
export { InjectSessionStore } from './decorators/inject-session-store.decorator.js';
export { RequireMfa, type RequireMfaOptions } from './decorators/require-mfa.decorator.js';

export { MfaService, type EnrollmentStart, type RecoveryCodeSet } from './mfa/mfa.service.js';
export type { MfaEnrollment, MfaSecretStore } from './mfa/mfa-secret-store.interface.js';
export { MFA_CLOCK, MFA_STATE_STORE, REQUIRE_MFA, type MfaClock } from './mfa/mfa.constants.js';
export {
  ATTEMPT_MEMORY_MS,
  type AttemptDecision,
  type AttemptPolicy,
  type MfaStateStore,
  type TotpAttemptResult,
} from './mfa/mfa-state-store.interface.js';
export { MemoryMfaStateStore, type MemoryMfaStateOptions } from './mfa/memory-mfa-state.store.js';
export { RedisMfaStateStore } from './mfa/redis-mfa-state.store.js';
export { MfaStateKeys } from './mfa/mfa-state-keys.js';
export { keySegment } from './util/key-segment.js';
export { RECOVERY_CODE_COUNT, RecoveryCodes } from './mfa/recovery-codes.js';
export { SecretCipher, SecretDecryptionError, type MfaEncryptionKey } from './mfa/secret-cipher.js';
export { Totp, TOTP_SECRET_BYTES, type TotpMatch, type TotpPolicy } from './mfa/totp.js';

export type { SessionStore, StoredSession, WriteMode } from './store/session-store.interface.js';
export { MemorySessionStore, type MemoryStoreOptions } from './store/memory-session.store.js';
export { RedisSessionStore, type RedisStoreOptions } from './store/redis-session.store.js';
export { SessionStoreTimeoutError } from './store/store-timeout.js';
export {
  type RedisClusterStoreOptions,
  type RedisSentinelStoreOptions,
  type RedisStoreClient,
  type RedisTopology,
} from './store/redis-connection.js';
export { CLIENT_SIDE_CACHE_DEFAULTS, type RedisClientSideCacheOptions } from './store/redis-client-side-cache.js';

export {
  SessionEvents,
  type SessionEvent,
  type SessionEventInit,
  type SessionEventListener,
} from './events/session-events.js';
export type { MfaEvent, MfaOutcome, MfaPurpose } from './events/mfa.event.js';
export type {
  BindingMismatchEvent,
  LoginEvent,
  LoginFailedEvent,
  LoginFailureReason,
  LogoutEvent,
  SessionEventSubject,
  SessionExpiredEvent,
  SessionExpiryReason,
  SessionLifecycleEvent,
  SessionRevokedEvent,
  SessionRevokeReason,
  SessionRotatedEvent,
} from './events/session.event.js';
export type { ActiveSession } from './devices/active-session.interface.js';
export type { SessionIndex, SessionIndexEntry, SessionIndexTarget } from './devices/session-index.interface.js';
export { MemorySessionIndex } from './devices/memory-session-index.js';
export { RedisSessionIndex } from './devices/redis-session-index.js';
export { summarizeUserAgent, type UserAgentSummary } from './devices/user-agent.js';

export {
  MfaBusyException,
  MfaLockedException,
  MfaNotEnrolledException,
  MfaSecretUnreadableException,
  StepUpRequiredException,
} from './errors/mfa.exceptions.js';
export {
  InvalidCredentialsException,
  InvalidMfaCodeException,
  MfaNotConfiguredException,
  MfaNotPendingException,
  MfaRequiredException,
  SessionHttpException,
  SessionStoreUnavailableException,
  UnauthenticatedException,
} from './errors/session.exceptions.js';
export {
  SessionIndexNotConfiguredException,
  SessionLimitException,
  SessionNotFoundException,
} from './errors/devices.exceptions.js';
