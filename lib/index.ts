export { SessionModule } from './session.module.js';
export {
  SESSION_MODULE_OPTIONS,
  type SessionOptionsFactory,
} from './session.module-definition.js';
export {
  SESSION_DEFAULTS,
  SessionOptionsError,
  type MfaOptions,
  type SameSitePolicy,
  type SessionCookieOptions,
  type SessionModuleOptions,
} from './session.options.js';
export { PUBLIC_ROUTE, SESSION_STORE, SKIP_MFA } from './session.constants.js';
export { SessionService, type LoginOptions, type LoginResult } from './session.service.js';
export type { CurrentSessionInfo, JsonValue, MfaState, SessionAuthState, SessionMeta, SessionUser } from './session.types.js';

export { LoginInterceptor } from './login/login.interceptor.js';
export { AuthenticatedGuard } from './guards/authenticated.guard.js';
export { MfaGuard } from './guards/mfa.guard.js';
export { CurrentSession } from './decorators/current-session.decorator.js';
export { Public } from './decorators/public.decorator.js';
export { SkipMfa } from './decorators/skip-mfa.decorator.js';
export { InjectSessionStore } from './decorators/inject-session-store.decorator.js';

export { MfaService, type EnrollmentStart } from './mfa/mfa.service.js';
export type { MfaEnrollment, MfaSecretStore } from './mfa/mfa-secret-store.interface.js';
export { Totp, TOTP_SECRET_BYTES, type TotpMatch, type TotpPolicy } from './mfa/totp.js';

export type { SessionStore, StoredSession, WriteMode } from './store/session-store.interface.js';
export { MemorySessionStore, type MemoryStoreOptions } from './store/memory-session.store.js';
export { RedisSessionStore, type RedisStoreOptions } from './store/redis-session.store.js';
export { CLIENT_SIDE_CACHE_DEFAULTS, type RedisClientSideCacheOptions } from './store/redis-client-side-cache.js';

export {
  InvalidMfaCodeException,
  MfaNotConfiguredException,
  MfaNotPendingException,
  MfaRequiredException,
  SessionHttpException,
  SessionStoreUnavailableException,
  UnauthenticatedException,
} from './errors/session.exceptions.js';
