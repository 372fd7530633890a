import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** Status of one login attempt of a fresh user with the code `offset` steps from now. */
async function attempt(running: RunningMfaApp, user: string, offset: number, extra: object = {}): Promise<number> {
  const { secret } = await running.seed(user);
  const browser = await running.passwordOnly(user);
  return (await browser.post('/mfa/verify', { code: await running.code(secret, offset), ...extra })).status;
}

describe.each(STORES)('T11 TOTP window on $name', (under) => {
  describe('default policy (pastSteps 1)', () => {
    let running: RunningMfaApp;
    beforeAll(async () => {
      running = await startMfaApp(under);
    });
    afterAll(() => running.close());

    it('accepts T and T-1', async () => {
      expect(await attempt(running, 'w-now', 0)).toBe(200);
      expect(await attempt(running, 'w-prev', -1)).toBe(200);
    });

    it('refuses T-2, T+1 and T+2 (future steps never)', async () => {
      expect(await attempt(running, 'w-minus2', -2)).toBe(401);
      expect(await attempt(running, 'w-plus1', 1)).toBe(401);
      expect(await attempt(running, 'w-plus2', 2)).toBe(401);
    });

    it('ignores a client-supplied time: an old code with its own timestamp is refused', async () => {
      const old = running.clock.now - 5 * 30_000;
      const status = await attempt(running, 'w-client-time', -5, { time: old, timestamp: Math.floor(old / 1000), epoch: old });
      expect(status).toBe(401);
    });
  });

  describe('pastSteps 0', () => {
    let running: RunningMfaApp;
    beforeAll(async () => {
      running = await startMfaApp(under, { pastSteps: 0 });
    });
    afterAll(() => running.close());

    it('accepts T only', async () => {
      expect(await attempt(running, 'w0-now', 0)).toBe(200);
      expect(await attempt(running, 'w0-prev', -1)).toBe(401);
    });
  });

  describe('pastSteps 2', () => {
    let running: RunningMfaApp;
    beforeAll(async () => {
      running = await startMfaApp(under, { pastSteps: 2 });
    });
    afterAll(() => running.close());

    it('accepts T-2, refuses T-3 and T+1', async () => {
      expect(await attempt(running, 'w2-minus2', -2)).toBe(200);
      expect(await attempt(running, 'w2-minus3', -3)).toBe(401);
      expect(await attempt(running, 'w2-plus1', 1)).toBe(401);
    });
  });
});
