import { Injectable } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { MfaService, SessionModule, SessionOptionsError } from '../../../lib/index.js';
import { BASIC_ROUTES, createTestApp, TEST_SECRET, testOptions } from '../../apps/test-app/index.js';

/** The error bootstrap fails with; fails the test when the app starts. */
async function bootstrapError(start: () => Promise<{ close(): Promise<void> }>): Promise<Error> {
  try {
    await (await start()).close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('the app started');
}

@Injectable()
class NeedsMfa {
  constructor(readonly mfa: MfaService) {}
}

// Memory store only: a failed bootstrap leaves no app to close.
describe('MfaService is registered only with mfa', () => {
  it('forRoot without mfa: no MfaService to inject', async () => {
    const app = await createTestApp({ session: SessionModule.forRoot({ secret: TEST_SECRET }) });
    try {
      expect(() => app.get(MfaService)).toThrow();
    } finally {
      await app.close();
    }
  });

  it('forRoot with mfa and forRootAsync with mfa: true: MfaService is there', async () => {
    for (const sessionModule of [
      SessionModule.forRoot({ ...testOptions(), isGlobal: true }),
      SessionModule.forRootAsync({ isGlobal: true, mfa: true, useFactory: () => testOptions() }),
    ]) {
      const app = await createTestApp({ session: sessionModule, routes: BASIC_ROUTES });
      try {
        expect(app.get(MfaService)).toBeInstanceOf(MfaService);
      } finally {
        await app.close();
      }
    }
  });

  it('forRootAsync whose options have mfa but no mfa: true fails bootstrap saying so', async () => {
    const error = await bootstrapError(() =>
      createTestApp({ session: SessionModule.forRootAsync({ isGlobal: true, useFactory: () => testOptions() }), routes: BASIC_ROUTES }),
    );
    expect(error).toBeInstanceOf(SessionOptionsError);
    expect(error.message).toMatch(/pass mfa: true to SessionModule\.forRootAsync/);
  });

  it('forRootAsync with mfa: true whose options have no mfa fails bootstrap saying so', async () => {
    const error = await bootstrapError(() =>
      createTestApp({ session: SessionModule.forRootAsync({ isGlobal: true, mfa: true, useFactory: () => ({ secret: TEST_SECRET }) }), routes: BASIC_ROUTES }),
    );
    expect(error).toBeInstanceOf(SessionOptionsError);
    expect(error.message).toMatch(/was given mfa: true but its options have no mfa/);
  });

  it('a controller that injects MfaService without mfa fails bootstrap naming MfaService', async () => {
    const error = await bootstrapError(() =>
      createTestApp({ session: SessionModule.forRoot({ secret: TEST_SECRET, isGlobal: true }), providers: [NeedsMfa] }),
    );
    expect(error.message).toMatch(/MfaService/);
  });
});
