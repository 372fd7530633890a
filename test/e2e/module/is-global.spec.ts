import { afterEach, describe, expect, it } from 'vitest';
import { SessionModule } from '../../../lib/index.js';
import { BasicController, basicOptions, createBasicApp, TEST_SECRET } from '../../apps/basic/basic.app.js';
import { createApp } from '../../apps/kit/create-app.js';
import { startApp, type RunningApp } from '../../apps/kit/running-app.js';
import { STORES } from '../../support/stores.js';
import { expectLoginRoundTrip } from './round-trip.js';

describe.each(STORES)('SessionModule isGlobal on $name', (under) => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('true: a feature module that does not import SessionModule uses its service, guards and interceptor', async () => {
    running = await startApp(under, [TEST_SECRET], (store) =>
      createBasicApp(SessionModule.forRoot({ ...basicOptions({ store }), isGlobal: true })),
    );
    await expectLoginRoundTrip(running.browser(), '__Host-sid');
  });

  it('false: a controller in the module that imports SessionModule works', async () => {
    running = await startApp(under, [TEST_SECRET], (store) =>
      createApp({
        imports: [SessionModule.forRoot({ ...basicOptions({ store }), isGlobal: false })],
        controllers: [BasicController],
      }),
    );
    await expectLoginRoundTrip(running.browser(), '__Host-sid');
  });
});

describe('SessionModule not global', () => {
  it.each([
    ['isGlobal false', false],
    ['isGlobal left out (the default)', undefined],
  ])(
    '%s: a feature module that does not import it cannot resolve SessionService; bootstrap fails',
    async (_label, isGlobal) => {
      // A failed bootstrap leaves no app to close, so nothing here may open a connection: memory store.
      const options = { ...basicOptions({ store: { memory: {} } }), ...(isGlobal === undefined ? {} : { isGlobal }) };
      await expect(createBasicApp(SessionModule.forRoot(options))).rejects.toThrow(
        /(SessionService|RecentMfaCheck).*BasicFeatureModule|BasicFeatureModule.*(SessionService|RecentMfaCheck)/s,
      );
    },
  );
});
