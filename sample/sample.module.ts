import { Module, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { SessionModule } from '../lib/index.js';
import { SESSION_REDIS, type RedisPlace } from '../lib/redis.js';
import { logSecurityEvent } from './audit/security-audit.js';
import { AuthController } from './auth/auth.controller.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { MemoryThrottleCounters } from './auth/memory-throttle-counters.js';
import { RedisThrottleCounters } from './auth/redis-throttle-counters.js';
import { THROTTLE_COUNTERS, type ThrottleCounters } from './auth/throttle-counters.js';
import type { SampleConfig } from './config/sample.config.js';
import { SAMPLE_CONFIG } from './config/sample-config.token.js';
import { sessionOptionsFor, tokensEnabled } from './config/session-options.js';
import { SessionsController } from './devices/sessions.controller.js';
import { sampleValidationPipe } from './http/validation/sample-validation.pipe.js';
import { SecurityEventsController } from './security/security-events.controller.js';
import { MeController } from './me/me.controller.js';
import { MfaController } from './mfa/mfa.controller.js';
import { OidcController } from './oidc/oidc.controller.js';
import { PagesController } from './pages/pages.controller.js';
import { PasskeyAuthController } from './passkeys/passkey-auth.controller.js';
import { passkeyRelyingParty } from './passkeys/passkey-relying-party.js';
import { PasskeysController } from './passkeys/passkeys.controller.js';
import { TokensController } from './tokens/tokens.controller.js';
import { UserRepository } from './users/user.repository.js';
import { UsersModule } from './users/users.module.js';

/** Login counters live where sessions live: shared through Redis, or in this process. */
function throttleCountersFor(redis: RedisPlace | undefined): ThrottleCounters {
  return redis ? new RedisThrottleCounters(redis.client, redis.prefix) : new MemoryThrottleCounters();
}

/** The sample app: the JSON API, the pages, and SessionModule configured from the environment. */
@Module({})
export class SampleModule {
  static forConfig(config: SampleConfig): DynamicModule {
    // Passkeys need a host browsers accept for WebAuthn (see passkey-relying-party.ts).
    const passkeys = passkeyRelyingParty(config.appOrigin) !== undefined;
    return {
      module: SampleModule,
      imports: [
        UsersModule,
        // forRootAsync because the MFA secret store is a provider (the user repository);
        // mfa: true because the options it builds configure MFA (MfaService gets registered),
        // passkeys likewise (PasskeyService) when APP_ORIGIN allows WebAuthn.
        SessionModule.forRootAsync({
          mfa: true,
          passkeys,
          // The options configure `tokens` too: SessionTokens and the JWKS route get registered.
          tokens: tokensEnabled(config),
          // Single sign-on only when OIDC_ISSUER is set: OidcService and the back-channel route exist then.
          oidc: config.oidc !== undefined,
          imports: [UsersModule],
          inject: [UserRepository],
          useFactory: (users: UserRepository) => sessionOptionsFor(config, users, logSecurityEvent, users.passkeys),
        }),
      ],
      controllers: [
        AuthController,
        MfaController,
        MeController,
        SessionsController,
        ...(tokensEnabled(config) ? [TokensController] : []),
        SecurityEventsController,
        PagesController,
        ...(passkeys ? [PasskeyAuthController, PasskeysController] : []),
        // Without OIDC_ISSUER its routes are 404.
        ...(config.oidc ? [OidcController] : []),
      ],
      providers: [
        { provide: SAMPLE_CONFIG, useValue: config },
        // Request bodies are DTOs (sample/*/dto/), checked by this one pipe for every route.
        { provide: APP_PIPE, useFactory: sampleValidationPipe },
        { provide: THROTTLE_COUNTERS, inject: [SESSION_REDIS], useFactory: throttleCountersFor },
        LoginThrottle,
      ],
    };
  }
}
