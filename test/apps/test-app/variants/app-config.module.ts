import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import type { SessionModuleOptions, SessionOptionsFactory } from '../../../../lib/index.js';

const APP_CONFIG_VALUES = 'APP_CONFIG_VALUES';

export interface AppConfigValues {
  sessionSecret: string;
  sessionStore: SessionModuleOptions['store'];
  sessionCookieName: string;
}

/** What an app's configuration service looks like (a ConfigModule stand-in, no @nestjs/config). */
@Injectable()
export class AppConfig {
  constructor(@Inject(APP_CONFIG_VALUES) private readonly values: AppConfigValues) {}

  get<K extends keyof AppConfigValues>(key: K): AppConfigValues[K] {
    return this.values[key];
  }
}

/** Session options built from the app's configuration: the useClass / useExisting provider. */
@Injectable()
export class SessionConfigService implements SessionOptionsFactory {
  /** Every instance Nest made, so a test can tell useExisting (one) from useClass (a second one). */
  static readonly instances: SessionConfigService[] = [];

  /** How often this instance was asked for options. */
  calls = 0;

  constructor(private readonly config: AppConfig) {
    SessionConfigService.instances.push(this);
  }

  async createSessionOptions(): Promise<SessionModuleOptions> {
    this.calls++;
    return {
      secret: this.config.get('sessionSecret'),
      store: this.config.get('sessionStore'),
      cookie: { name: this.config.get('sessionCookieName') },
    };
  }
}

/** Provides and exports AppConfig and SessionConfigService. */
@Module({})
export class AppConfigModule {
  static register(values: AppConfigValues): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG_VALUES, useValue: values }, AppConfig, SessionConfigService],
      exports: [AppConfig, SessionConfigService],
    };
  }
}
