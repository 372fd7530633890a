import { afterEach, describe, expect, it } from 'vitest';
import { SessionModule } from '../../../lib/index.js';
import { AuthRoutes, BASIC_ROUTES, CartRoutes, createTestApp, MfaRoutes, type RunningApp, startApp, TEST_SECRET, testOptions } from '../../apps/test-app/index.js';
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
      createTestApp({ session: SessionModule.forRoot({ ...testOptions({ store }), isGlobal: true }), routes: BASIC_ROUTES }),
    );
    await expectLoginRoundTrip(running.browser(), '__Host-sid');
  });

  it('false: a controller in the module that imports SessionModule works', async () => {
    running = await startApp(under, [TEST_SECRET], (store) =>
      createTestApp({
        session: SessionModule.forRoot({ ...testOptions({ store }), isGlobal: false }),
        controllers: [AuthRoutes, CartRoutes, MfaRoutes],
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
      const options = { ...testOptions({ store: { memory: {} } }), ...(isGlobal === undefined ? {} : { isGlobal }) };
      await expect(createTestApp({ session: SessionModule.forRoot(options), routes: BASIC_ROUTES })).rejects.toThrow(
        /(SessionService|RecentMfaCheck).*TestRoutesModule|TestRoutesModule.*(SessionService|RecentMfaCheck)/s,
      );
    },
  );
});
