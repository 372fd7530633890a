import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { redisAvailable, STORES } from '../../support/stores.js';

describe.each(STORES)('T12 TOTP replay on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    // A budget of 100 so that refusals here are replays, not the lock (T13 covers that).
    running = await startMfaApp(under, { maxAttempts: 100 });
  });
  afterAll(() => running.close());

  it('the same code twice in sequence, from two sessions: the second is refused and reported', async () => {
    const { secret } = await running.seed('r-seq');
    const code = await running.code(secret);
    const first = await running.passwordOnly('r-seq');
    expect((await first.post('/mfa/verify', { code })).status).toBe(200);
    const second = await running.passwordOnly('r-seq');
    const replay = await second.post('/mfa/verify', { code });
    expect([replay.status, replay.body.error]).toEqual([401, 'invalid_code']);
    expect((await second.get('/me')).status).toBe(403);
    expect(running.mfaEvents('r-seq').map((e) => e.outcome)).toEqual(['enrolled', 'verified', 'replay_refused']);
  });

  it('an older code of the window is refused once a newer one was used', async () => {
    const { secret } = await running.seed('r-older');
    expect((await (await running.passwordOnly('r-older')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    const older = await (await running.passwordOnly('r-older')).post('/mfa/verify', { code: await running.code(secret, -1) });
    expect(older.status).toBe(401);
    // The next step's code works once the clock reaches it.
    running.clock.advance(30_000);
    expect((await (await running.passwordOnly('r-older')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
  });

  it('50 parallel submissions of one valid code from 50 sessions: exactly one succeeds', async () => {
    const { secret } = await running.seed('r-par');
    const code = await running.code(secret);
    const browsers = await Promise.all(Array.from({ length: 50 }, () => running.passwordOnly('r-par')));
    const results = await Promise.all(browsers.map((b) => b.post('/mfa/verify', { code })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(49);
    expect(running.mfaEvents('r-par').filter((e) => e.outcome === 'replay_refused')).toHaveLength(49);
  });
});

describe.runIf(redisAvailable)('T12 TOTP replay across app instances on redis', () => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(STORES.find((s) => s.name === 'redis')!, { maxAttempts: 100 });
  });
  afterAll(() => running.close());

  it('two app instances: 20 parallel submissions, exactly one succeeds', async () => {
    const { secret } = await running.seed('r-multi');
    const code = await running.code(secret);
    const other = await running.secondInstance();
    const onFirst = await Promise.all(Array.from({ length: 10 }, () => running.passwordOnly('r-multi')));
    const onSecond = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const browser = new BrowserClient(other);
        expect((await browser.post('/login', { user: 'r-multi' })).status).toBe(200);
        return browser;
      }),
    );
    const results = await Promise.all([...onFirst, ...onSecond].map((b) => b.post('/mfa/verify', { code })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(19);
  });
});
