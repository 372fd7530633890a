/**
 * The main entry, `nest-secure-session`: what an app uses, and the contracts a store author
 * implements. Redis building blocks are in `nest-secure-session/redis`, test helpers in
 * `nest-secure-session/testing`.
 */
export { SessionModule } from './session.module.js';
export {
  SESSION_MODULE_OPTIONS,
  type SessionModuleAsyncOptions,
  type SessionOptionsFactory,
} from './session.module-definition.js';
export { SessionOptionsError } from './errors/session-options.error.js';
export type {
  AnomalyAction,
  BindingPolicy,
  ClientBindingOptions,
  MfaOptions,
  PasskeyOptions,
  MonitoringOptions,
  SameSitePolicy,
  SessionCookieOptions,
  SessionLimitPolicy,
  SessionModuleOptions,
} from './options/session-module-options.interface.js';
export {
  MFA_CLOCK,
  MFA_STATE_STORE,
  PUBLIC_ROUTE,
  REQUIRE_MFA,
  SESSION_STORE,
  SKIP_MFA,
  type MfaClock,
} from './session.constants.js';
export type { CsrfOptions } from './csrf/csrf-options.js';
export { CsrfRefusedException } from './errors/csrf.exceptions.js';
export {
  SessionService,
  type LoginFailure,
  type LoginOptions,
  type LoginResult,
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

export {
  SessionTokens,
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type IssuedAccessToken,
  type JsonWebKeySet,
} from './tokens/session-tokens.service.js';
export { SessionTokenGuard } from './tokens/session-token.guard.js';
export type { BearerSessionInfo } from './tokens/bearer-session.js';
export type { TokenOptions } from './tokens/token-options.js';
export type { AccessTokenAlgorithm, AccessTokenKey } from './tokens/token-keys.js';
export type { SealedCookieKey, SealedCookieStoreOptions } from './sealed/sealed-cookie-options.js';
export { SessionTooLargeException } from './sealed/session-too-large.exception.js';
export { BearerTokenException, InvalidTokenException, SessionEndedException } from './errors/token.exceptions.js';
export { OidcService, type OidcClaims, type OidcLoginResult, type OidcUserResolver } from './oidc/oidc.service.js';
export type { OidcMfaPolicy, OidcOptions } from './oidc/oidc-options.js';
export type { LinkedSession, LogoutSubject, OidcLinkStore, OidcSessionLink } from './oidc/oidc-link-store.interface.js';
export { BACKCHANNEL_LOGOUT_EVENT } from './oidc/logout-token.js';
export {
  OidcCallbackException,
  OidcProviderUnavailableException,
  OidcSessionEndedException,
  OidcUserRefusedException,
} from './errors/oidc.exceptions.js';

export { MfaService, type EnrollmentStart, type RecoveryCodeSet } from './mfa/mfa.service.js';
export type { MfaEnrollment, MfaSecretStore } from './mfa/mfa-secret-store.interface.js';
export type { MfaEncryptionKey } from './mfa/secret-cipher.js';
export type {
  AttemptDecision,
  AttemptPolicy,
  MfaStateStore,
  TotpAttempt,
  TotpAttemptResult,
} from './mfa/mfa-state-store.interface.js';
export { MemoryMfaStateStore, type MemoryMfaStateOptions } from './mfa/memory-mfa-state.store.js';
export { keySegment } from './util/key-segment.js';

export { PasskeyService, type PasskeySummary, type PasskeyUserLoader } from './passkeys/passkey.service.js';
export type {
  PasskeyCredential,
  PasskeyCredentialUpdate,
  PasskeyStore,
  PasskeyTransport,
} from './passkeys/passkey-store.interface.js';
export {
  InvalidPasskeyException,
  MalformedPasskeyRequestException,
  NoPasskeysException,
  PasskeyNotFoundException,
} from './passkeys/passkey.exceptions.js';

export type { SessionStore, StoredSession, WriteMode } from './store/session-store.interface.js';
export { MemorySessionStore, type MemoryStoreOptions } from './store/memory-session.store.js';
export { SessionStoreTimeoutError } from './store/store-timeout.js';
// The options of `store: { redis }` (the module builds that store); the classes are in `nest-secure-session/redis`.
export type { RedisStoreOptions } from './store/redis-session.store.js';
export type {
  RedisClusterStoreOptions,
  RedisSentinelStoreOptions,
  RedisStoreClient,
  RedisTopology,
} from './store/redis-connection.js';
export type { RedisClientSideCacheOptions } from './store/redis-client-side-cache.js';

export { SessionEvents, type SessionEvent, type SessionEventListener } from './events/session-events.js';
export type { MfaEvent, MfaOutcome, MfaPurpose } from './events/mfa.event.js';
export type {
  PasskeyEvent,
  PasskeyFailedEvent,
  PasskeyFailureReason,
  PasskeyPurpose,
  PasskeyRegisteredEvent,
  PasskeyRemovedEvent,
  PasskeyUsedEvent,
} from './events/passkey.event.js';
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
export { summarizeUserAgent, type UserAgentSummary } from './devices/user-agent.js';

export { SecurityActivity } from './monitoring/security-activity.service.js';
export type { GeoLocation, GeoLookupContext, GeoResolver, Place } from './monitoring/geo-location.js';
export { MaxMindGeoResolver, type MaxMindGeoResolverOptions } from './monitoring/maxmind-geo-resolver.js';
export { TrustedHeaderGeoResolver, type TrustedHeaderGeoResolverOptions } from './monitoring/trusted-header-geo-resolver.js';
export { greatCircleKm } from './monitoring/great-circle.js';
export type { AnomalyEvent, AnomalyType } from './monitoring/anomaly.event.js';
export type { AnomalyFinding, RiskAssessment, RiskAssessor } from './monitoring/risk-assessment.js';
export type {
  ActivityLimits,
  LoginHistory,
  LoginSighting,
  SecurityActivityEntry,
  SecurityActivityStore,
} from './monitoring/security-activity.store.js';
export { MemorySecurityActivityStore } from './monitoring/memory-security-activity.store.js';

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
