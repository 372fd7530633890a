import type { DynamicModule } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionModule, type SessionModuleOptions } from '../../../lib/index.js';
import { AppConfig, AppConfigModule, type AppConfigValues, BASIC_ROUTES, createTestApp, type RunningApp, SessionConfigService, startApp, TEST_SECRET, testOptions } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';
import { expectLoginRoundTrip } from './round-trip.js';

const CONFIGURED_COOKIE = '__Host-configured';

describe.each(STORES)('SessionModule registration on $name', (under) => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  const configValues = (store: SessionModuleOptions['store']): AppConfigValues => ({
    sessionSecret: TEST_SECRET,
    sessionStore: store,
    sessionCookieName: CONFIGURED_COOKIE,
  });

  /** Starts the basic fixture around `sessionModule(store)`. */
  async function start(sessionModule: (store: SessionModuleOptions['store']) => DynamicModule) {
    SessionConfigService.instances.length = 0;
    running = await startApp(under, [TEST_SECRET], (store) => createTestApp({ session: sessionModule(store), routes: BASIC_ROUTES }));
    return running;
  }

  it('forRoot', async () => {
    const app = await start((store) => SessionModule.forRoot({ ...testOptions({ store }), isGlobal: true }));
    await expectLoginRoundTrip(app.browser(), '__Host-sid');
  });

  it('forRootAsync with useFactory + imports + inject (an async factory)', async () => {
    const app = await start((store) =>
      SessionModule.forRootAsync({
        isGlobal: true,
        imports: [AppConfigModule.register(configValues(store))],
        inject: [SessionConfigService],
        useFactory: async (factory: SessionConfigService) => factory.createSessionOptions(),
      }),
    );
    await expectLoginRoundTrip(app.browser(), CONFIGURED_COOKIE);
  });

  it('forRootAsync with useFactory reading a config service', async () => {
    const app = await start((store) =>
      SessionModule.forRootAsync({
        isGlobal: true,
        imports: [AppConfigModule.register(configValues(store))],
        inject: [AppConfig],
        useFactory: (config: AppConfig) => ({
          secret: config.get('sessionSecret'),
          store: config.get('sessionStore'),
          cookie: { name: config.get('sessionCookieName') },
        }),
      }),
    );
    await expectLoginRoundTrip(app.browser(), CONFIGURED_COOKIE);
  });

  it('forRootAsync with useClass: the module builds its own SessionOptionsFactory', async () => {
    const app = await start((store) =>
      SessionModule.forRootAsync({
        isGlobal: true,
        imports: [AppConfigModule.register(configValues(store))],
        useClass: SessionConfigService,
      }),
    );
    await expectLoginRoundTrip(app.browser(), CONFIGURED_COOKIE);
    // The imported module's instance was never asked: useClass made and asked one of its own.
    const calls = SessionConfigService.instances.map((instance) => instance.calls).sort();
    expect(calls).toEqual([0, 1]);
  });

  it('forRootAsync with useExisting: the exported SessionOptionsFactory instance is asked once', async () => {
    const app = await start((store) =>
      SessionModule.forRootAsync({
        isGlobal: true,
        imports: [AppConfigModule.register(configValues(store))],
        useExisting: SessionConfigService,
      }),
    );
    await expectLoginRoundTrip(app.browser(), CONFIGURED_COOKIE);
    expect(SessionConfigService.instances).toHaveLength(1);
    expect(SessionConfigService.instances[0]!.calls).toBe(1);
  });
});
