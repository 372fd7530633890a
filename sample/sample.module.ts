import { Module, type DynamicModule } from '@nestjs/common';
import { SessionModule } from '../lib/index.js';
import { logSecurityEvent } from './audit/security-audit.js';
import { AuthController } from './auth/auth.controller.js';
import type { SampleConfig } from './config/sample.config.js';
import { SAMPLE_CONFIG } from './config/sample-config.token.js';
import { sessionOptionsFor } from './config/session-options.js';
import { MeController } from './me/me.controller.js';
import { MfaController } from './mfa/mfa.controller.js';
import { PagesController } from './pages/pages.controller.js';
import { UserRepository } from './users/user.repository.js';
import { UsersModule } from './users/users.module.js';

/** The sample app: the JSON API, the pages, and SessionModule configured from the environment. */
@Module({})
export class SampleModule {
  static forConfig(config: SampleConfig): DynamicModule {
    return {
      module: SampleModule,
      imports: [
        UsersModule,
        // forRootAsync because the MFA secret store is a provider (the user repository).
        SessionModule.forRootAsync({
          imports: [UsersModule],
          inject: [UserRepository],
          useFactory: (users: UserRepository) => sessionOptionsFor(config, users, logSecurityEvent),
        }),
      ],
      controllers: [AuthController, MfaController, MeController, PagesController],
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }],
    };
  }
}
