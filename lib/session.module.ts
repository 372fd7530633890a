import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  Optional,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { CsrfMiddleware } from './csrf/csrf.middleware.js';
import { SESSION_INDEX } from './devices/devices.internal-constants.js';
import { SessionDevicesService } from './devices/session-devices.service.js';
import { AuthenticatedGuard } from './guards/authenticated.guard.js';
import { MfaGuard } from './guards/mfa.guard.js';
import { SessionEventEmitter } from './events/session-event-emitter.js';
import { SessionEvents } from './events/session-events.js';
import { SessionEngine } from './http/session-engine.js';
import { SessionChecks } from './http/session-checks.js';
import { SessionIdOperations } from './http/session-id-operations.js';
import { SessionMiddleware } from './http/session.middleware.js';
import { LoginInterceptor } from './login/login.interceptor.js';
import { MFA_CLOCK } from './mfa/mfa.constants.js';
import { RecentMfaCheck } from './mfa/recent-mfa-check.js';
import { SESSION_REDIS, SESSION_STORE } from './session.constants.js';
import { MFA_REGISTERED, OIDC_REGISTERED, PASSKEYS_REGISTERED, RESOLVED_SESSION_OPTIONS, SESSION_BACKEND, SESSION_ENGINE } from './session.internal-constants.js';
import { BackchannelLogoutMiddleware } from './oidc/backchannel-logout.middleware.js';
import { ConfigurableSessionModule, SESSION_MODULE_OPTIONS, type SessionModuleAsyncOptions } from './session.module-definition.js';
import { resolveSessionOptions } from './options/resolve-session-options.js';
import type { ResolvedSessionOptions } from './options/resolved-session-options.js';
import type { SessionModuleOptions } from './options/session-module-options.interface.js';
import { SessionService } from './session.service.js';
import { SessionRepository } from './store/session-repository.js';
import { monitoringProviders } from './monitoring/monitoring.providers.js';
import { SecurityActivity } from './monitoring/security-activity.service.js';
import { SessionIdHasher } from './store/session-id-hasher.js';
import { TOKENS_REGISTERED } from './tokens/tokens.internal-constants.js';
import type { SessionStore } from './store/session-store.interface.js';
import { createSessionBackend } from './backend/create-session-backend.js';
import type { SessionBackend } from './backend/session-backend.js';

const providers: Provider[] = [
  {
    provide: RESOLVED_SESSION_OPTIONS,
    inject: [SESSION_MODULE_OPTIONS, MFA_REGISTERED, PASSKEYS_REGISTERED, OIDC_REGISTERED, { token: TOKENS_REGISTERED, optional: true }],
    useFactory: (options: SessionModuleOptions, mfaRegistered: boolean, passkeysRegistered: boolean, oidcRegistered: boolean, tokensRegistered: boolean | undefined) => {
      const logger = new Logger('SessionModule');
      return resolveSessionOptions(options, { warn: (message) => logger.warn(message) }, { mfaRegistered, passkeysRegistered, oidcRegistered, tokensRegistered });
    },
  },
  {
    provide: SESSION_BACKEND,
    inject: [RESOLVED_SESSION_OPTIONS],
    useFactory: (options: ResolvedSessionOptions) => createSessionBackend(options, new Logger('SessionModule')),
  },
  { provide: SESSION_STORE, inject: [SESSION_BACKEND], useFactory: (backend: SessionBackend) => backend.sessions },
  { provide: SESSION_REDIS, inject: [SESSION_BACKEND], useFactory: (backend: SessionBackend) => backend.redis },
  {
    // The app's index, none (`sessionIndex: false`), or the one beside the sessions.
    provide: SESSION_INDEX,
    inject: [RESOLVED_SESSION_OPTIONS, SESSION_BACKEND],
    useFactory: (options: ResolvedSessionOptions, backend: SessionBackend) =>
      options.sessionIndex === false ? undefined : (options.sessionIndex ?? backend.sessionIndex()),
  },
  // One hasher (and one memo of hot IDs' storage keys) for the request path and the devices service.
  {
    provide: SessionIdHasher,
    inject: [RESOLVED_SESSION_OPTIONS],
    useFactory: (options: ResolvedSessionOptions) => new SessionIdHasher(options.idHashSecret),
  },
  SessionDevicesService,
  {
    provide: SESSION_ENGINE,
    inject: [RESOLVED_SESSION_OPTIONS, SESSION_BACKEND, SessionIdHasher, SessionDevicesService, SessionEventEmitter],
    useFactory: (
      options: ResolvedSessionOptions,
      backend: SessionBackend,
      hasher: SessionIdHasher,
      devices: SessionDevicesService,
      events: SessionEventEmitter,
    ) =>
      backend.sessionEngine?.(options, hasher, events) ??
      new SessionEngine(
        options,
        new SessionRepository(
          backend.sessions,
          hasher,
          { storeTimeout: options.storeTimeout, storeBoundsItself: backend.boundsOwnOperations },
          devices,
        ),
      ),
  },
  CsrfMiddleware,
  SessionMiddleware,
  SessionChecks,
  SessionIdOperations,
  SessionEventEmitter,
  SessionEvents,
  SessionService,
  // Read Date.now at each call, like the rest of the module, so one faked clock drives everything.
  { provide: MFA_CLOCK, useValue: () => Date.now() },
  RecentMfaCheck,
  AuthenticatedGuard,
  MfaGuard,
  LoginInterceptor,
  // Session monitoring (a no-op without the `monitoring` option).
  ...monitoringProviders,
];

/**
 * Secure sessions for a Nest app: mounts the session (express-session's Session objects,
 * loaded and saved by SessionEngine under a fixed, hardened policy) on every route and provides SessionService, the guards and the LoginInterceptor;
 * with `mfa` configured also MfaService (see session.module-definition.ts).
 */
@Module({
  providers,
  exports: [
    SessionService,
    AuthenticatedGuard,
    MfaGuard,
    LoginInterceptor,
    SESSION_STORE,
    SESSION_REDIS,
    SessionEvents,
    SecurityActivity,
    MFA_CLOCK,
    // MfaGuard's dependency: guards are built in the module that uses them.
    RecentMfaCheck,
  ],
})
export class SessionModule extends ConfigurableSessionModule implements NestModule, OnApplicationShutdown {
  constructor(
    @Inject(SESSION_BACKEND) private readonly backend: SessionBackend,
    private readonly csrf: CsrfMiddleware,
    private readonly middleware: SessionMiddleware,
    @Inject(SESSION_ENGINE) private readonly engine: SessionEngine,
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly backchannelLogout?: BackchannelLogoutMiddleware,
  ) {
    super();
  }

  /**
   * The options come from a provider. Pass `mfa: true` when they will hold `mfa`, so that
   * MfaService is registered, `tokens: true` when they will hold `tokens`, `oidc: true` for
   * `oidc` and OidcService; bootstrap fails with a SessionOptionsError if they disagree.
   */
  static override forRootAsync(options: SessionModuleAsyncOptions): DynamicModule {
    return super.forRootAsync(options);
  }

  /**
   * Mounts the CSRF check and the session on every request. Nest calls this before it registers any route, so an
   * Express `use()` here runs ahead of every controller, like a consumer-mounted middleware,
   * but as a plain prefix-less layer: a consumer's `{*path}` route costs every request a path
   * match and a route dispatch (about 10 µs in bench/), for a middleware that is never scoped.
   */
  configure(): void {
    const httpAdapter = this.adapterHost.httpAdapter;
    const platform = httpAdapter.getType();
    if (platform !== 'express') {
      // Sessions are express-session objects and the cookie goes out through Express's response.
      throw new Error(`SessionModule needs @nestjs/platform-express; this app runs on '${platform}'.`);
    }
    this.engine.prepare(httpAdapter.getInstance() as { request: object; response: object });
    // With `oidc`: the back-channel logout route, the provider's server-to-server POST (no
    // cookie, no Origin), is answered before the CSRF check and the session. The one exemption.
    const backchannel = this.backchannelLogout;
    if (backchannel) httpAdapter.use((req: Request, res: Response, next: NextFunction) => backchannel.use(req, res, next));
    // CSRF first: a refused request never loads, rotates or writes a session.
    httpAdapter.use((req: Request, res: Response, next: NextFunction) => this.csrf.use(req, res, next));
    httpAdapter.use((req: Request, res: Response, next: NextFunction) => this.middleware.use(req, res, next));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.backend.close();
  }
}
