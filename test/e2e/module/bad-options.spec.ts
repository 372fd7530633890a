import { describe, expect, it } from 'vitest';
import { SessionModule, SessionOptionsError, type SessionModuleOptions } from '../../../lib/index.js';
import { BASIC_ROUTES, createTestApp, TEST_SECRET, testOptions } from '../../apps/test-app/index.js';

/** The error bootstrap fails with; fails the test when the app starts. */
async function bootstrapError(start: () => Promise<unknown>): Promise<Error> {
  try {
    const app = (await start()) as { close(): Promise<void> };
    await app.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('the app started');
}

// Bootstrap fails before any store connects, so these run once, with no store to clean up.
describe('SessionModule bad options fail bootstrap with one SessionOptionsError', () => {
  const cases: Array<[string, Partial<SessionModuleOptions>, RegExp]> = [
    ['no secret', { secret: '' }, /secret is missing/],
    ['a short secret in production', { secret: 'short', production: true }, /secret must be at least 32 bytes/],
    [
      'allowInsecureHttp in production',
      { allowInsecureHttp: true, production: true },
      /allowInsecureHttp is for development only/,
    ],
    [
      'idle longer than absolute',
      { idleTimeout: 60_000, absoluteTimeout: 30_000 },
      /idleTimeout \(60000 ms\) must not exceed/,
    ],
    ['a timeout under a second', { idleTimeout: 10 }, /idleTimeout must be a number of milliseconds >= 1000/],
    ['an invalid cookie name', { cookie: { name: 'my sid' } }, /cookie\.name "my sid" is not a valid cookie name/],
    [
      'an incomplete MFA secret store',
      { mfa: { secretStore: {} as never } },
      /mfa\.secretStore must implement MfaSecretStore/,
    ],
  ];

  it.each(cases)('forRoot: %s', async (_label, options, message) => {
    const error = await bootstrapError(() =>
      createTestApp({ session: SessionModule.forRoot({ ...testOptions(), ...options, isGlobal: true }), routes: BASIC_ROUTES }),
    );
    expect(error).toBeInstanceOf(SessionOptionsError);
    expect(error.message).toMatch(/^SessionModule: /);
    expect(error.message).toMatch(message);
  });

  it('forRootAsync: the factory result is validated the same way', async () => {
    const error = await bootstrapError(() =>
      createTestApp({ session: SessionModule.forRootAsync({
          isGlobal: true,
          useFactory: async () => ({ secret: TEST_SECRET, idleTimeout: -5 }),
        }), routes: BASIC_ROUTES }),
    );
    expect(error).toBeInstanceOf(SessionOptionsError);
    expect(error.message).toMatch(/idleTimeout must be a number of milliseconds >= 1000, not -5/);
  });

  it.each([
    ['an empty object', {}],
    ['an object with only some store methods', { get: async () => null }],
    ['redis without url or client', { redis: {} }],
  ])('store that is %s', async (_label, store) => {
    const error = await bootstrapError(() =>
      createTestApp({ session: SessionModule.forRoot({ ...testOptions(), store: store as never, isGlobal: true }), routes: BASIC_ROUTES }),
    );
    expect(error).toBeInstanceOf(SessionOptionsError);
    expect(error.message).toMatch(/store/);
  });
});
