import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('T14 cross-account code on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  /** Moves the clock until A's current code is none of B's valid codes (a 1-in-500,000 coincidence). */
  async function distinctCodes(secretA: string, secretB: string): Promise<string> {
    for (;;) {
      const codeA = await running.code(secretA);
      const codesB = await Promise.all([-1, 0].map((offset) => running.code(secretB, offset)));
      if (!codesB.includes(codeA)) return codeA;
      running.clock.advance(30_000);
    }
  }

  it("A's valid code in B's password-only session is refused, whatever the request names", async () => {
    const a = await running.seed('x-alice');
    const b = await running.seed('x-bob');
    const codeA = await distinctCodes(a.secret, b.secret);
    const bob = await running.passwordOnly('x-bob');
    for (const body of [{ code: codeA }, { code: codeA, userId: 'x-alice' }, { code: codeA, user: 'x-alice', username: 'x-alice' }]) {
      const res = await bob.post('/mfa/verify', body);
      expect([res.status, res.body.error]).toEqual([401, 'invalid_code']);
    }
    expect((await bob.get('/me')).status).toBe(403);
    // The failures are B's: A's count and A's time step are untouched, so A's code still works for A.
    expect(running.mfaEvents('x-bob').filter((e) => e.outcome === 'failed')).toHaveLength(3);
    expect(running.mfaEvents('x-alice').filter((e) => e.outcome === 'failed')).toEqual([]);
    const alice = await running.passwordOnly('x-alice');
    expect((await alice.post('/mfa/verify', { code: codeA })).status).toBe(200);
  });

  it("A's recovery code in B's session is refused and stays usable by A", async () => {
    const a = await running.seed('x-carol');
    await running.seed('x-dave');
    const dave = await running.passwordOnly('x-dave');
    expect((await dave.post('/mfa/recovery', { code: a.recoveryCodes[0] })).status).toBe(401);
    const carol = await running.passwordOnly('x-carol');
    expect((await carol.post('/mfa/recovery', { code: a.recoveryCodes[0] })).status).toBe(200);
  });

  it("B's step-up cannot use A's code", async () => {
    const a = await running.seed('x-erin');
    const b = await running.seed('x-frank');
    running.clock.advance(30_000);
    const frank = await running.fullyLoggedIn('x-frank', b.secret);
    running.clock.advance(30_000);
    const codeA = await distinctCodes(a.secret, b.secret);
    expect((await frank.post('/mfa/step-up', { code: codeA, userId: 'x-erin' })).status).toBe(401);
  });
});
