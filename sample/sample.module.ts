import { Module, type DynamicModule } from '@nestjs/common';
import { SESSION_STORE, SessionModule, type SessionStore } from '../lib/index.js';
import { RedisSessionStore } from '../lib/redis.js';
import { logSecurityEvent } from './audit/security-audit.js';
import { AuthController } from './auth/auth.controller.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { MemoryThrottleCounters } from './auth/memory-throttle-counters.js';
import { RedisThrottleCounters } from './auth/redis-throttle-counters.js';
import { THROTTLE_COUNTERS, type ThrottleCounters } from './auth/throttle-counters.js';
import type { SampleConfig } from './config/sample.config.js';
import { SAMPLE_CONFIG } from './config/sample-config.token.js';
import { sessionOptionsFor } from './config/session-options.js';
import { SessionsController } from './devices/sessions.controller.js';
import { MeController } from './me/me.controller.js';
import { MfaController } from './mfa/mfa.controller.js';
import { OidcController } from './oidc/oidc.controller.js';
import { PagesController } from './pages/pages.controller.js';
import { UserRepository } from './users/user.repository.js';
import { UsersModule } from './users/users.module.js';

/** Login counters live where sessions live: shared through Redis, or in this process. */
function throttleCountersFor(store: SessionStore): ThrottleCounters {
  return store instanceof RedisSessionStore
    ? new RedisThrottleCounters(store.client, store.prefix)
    : new MemoryThrottleCounters();
}

/** The sample app: the JSON API, the pages, and SessionModule configured from the environment. */
@Module({})
export class SampleModule {
  static forConfig(config: SampleConfig): DynamicModule {
    return {
      module: SampleModule,
      imports: [
        UsersModule,
        // forRootAsync because the MFA secret store is a provider (the user repository);
        // mfa: true because the options it builds configure MFA (MfaService gets registered).
        SessionModule.forRootAsync({
          mfa: true,
          // Single sign-on only when OIDC_ISSUER is set: OidcService and the back-channel route exist then.
          oidc: config.oidc !== undefined,
          imports: [UsersModule],
          inject: [UserRepository],
          useFactory: (users: UserRepository) => sessionOptionsFor(config, users, logSecurityEvent),
        }),
      ],
      controllers: [
        AuthController,
        MfaController,
        MeController,
        SessionsController,
        PagesController,
        // Without OIDC_ISSUER its routes are 404.
        ...(config.oidc ? [OidcController] : []),
      ],
      providers: [
        { provide: SAMPLE_CONFIG, useValue: config },
        { provide: THROTTLE_COUNTERS, inject: [SESSION_STORE], useFactory: throttleCountersFor },
        LoginThrottle,
      ],
    };
  }
}
