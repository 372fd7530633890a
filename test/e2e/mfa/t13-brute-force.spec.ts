import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MfaService } from '../../../lib/index.js';
import { type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** A 6-digit code that is not any of `secret`'s codes around now. */
async function wrongCode(running: RunningMfaApp, secret: string): Promise<string> {
  const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((offset) => running.code(secret, offset))));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

/** `count` wrong codes, each from a new session and a different client IP. */
async function failFromEverywhere(running: RunningMfaApp, user: string, secret: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const browser = await running.passwordOnly(user, `198.51.100.${i + 1}`);
    const res = await browser.post('/mfa/verify', { code: await wrongCode(running, secret) }, { 'X-Forwarded-For': `198.51.100.${i + 1}` });
    statuses.push(res.status);
  }
  return statuses;
}

describe.each(STORES)('T13 TOTP brute force on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('5 failures across sessions and IPs lock the account: 429 locked with Retry-After, even for the right code', async () => {
    const { secret } = await running.seed('bf-lock');
    expect(await failFromEverywhere(running, 'bf-lock', secret, 5)).toEqual([401, 401, 401, 401, 401]);
    const browser = await running.passwordOnly('bf-lock', '203.0.113.9');
    const locked = await browser.post('/mfa/verify', { code: await running.code(secret) });
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ error: 'locked', message: expect.stringMatching(/30 s/) });
    expect(locked.headers['retry-after']).toBe('30');
    // Later in the lock, Retry-After counts down.
    running.clock.advance(12_500);
    const later = await browser.post('/mfa/verify', { code: await running.code(secret) });
    expect([later.status, later.headers['retry-after']]).toEqual([429, '18']);
    // Password login itself keeps working, and /me stays fenced.
    const again = await running.browser().post('/login', { user: 'bf-lock' });
    expect([again.status, again.body.mfa]).toEqual([200, 'required']);
    expect((await browser.get('/me')).status).toBe(403);
    const outcomes = running.mfaEvents('bf-lock').map((e) => e.outcome);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'locked')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused_locked')).toHaveLength(2);
  });

  it('after the lock the right code works, and the success resets the count', async () => {
    const { secret } = await running.seed('bf-reset');
    await failFromEverywhere(running, 'bf-reset', secret, 5);
    running.clock.advance(30_000);
    expect((await (await running.passwordOnly('bf-reset')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    running.clock.advance(30_000);
    expect(await failFromEverywhere(running, 'bf-reset', secret, 4)).toEqual([401, 401, 401, 401]);
    expect((await (await running.passwordOnly('bf-reset')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    // Count back at zero: four more failures still do not lock.
    expect(await failFromEverywhere(running, 'bf-reset', secret, 4)).toEqual([401, 401, 401, 401]);
  });

  it('repeated locks grow: 30 s, 60 s, 120 s; a success brings the next lock back to 30 s', async () => {
    const { secret } = await running.seed('bf-backoff');
    const retryAfters: string[] = [];
    for (let lock = 0; lock < 3; lock++) {
      await failFromEverywhere(running, 'bf-backoff', secret, 5);
      const res = await (await running.passwordOnly('bf-backoff')).post('/mfa/verify', { code: '000000' });
      expect(res.status).toBe(429);
      retryAfters.push(res.headers['retry-after'] as string);
      running.clock.advance(Number(res.headers['retry-after']) * 1000);
    }
    expect(retryAfters).toEqual(['30', '60', '120']);
    expect((await (await running.passwordOnly('bf-backoff')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    await failFromEverywhere(running, 'bf-backoff', secret, 5);
    expect((await (await running.passwordOnly('bf-backoff')).post('/mfa/verify', { code: '000000' })).headers['retry-after']).toBe('30');
  });

  it('wrong recovery codes count too: 3 wrong TOTP + 2 wrong recovery codes lock both ways in', async () => {
    const { secret, recoveryCodes } = await running.seed('bf-recovery');
    await failFromEverywhere(running, 'bf-recovery', secret, 3);
    const browser = await running.passwordOnly('bf-recovery');
    expect((await browser.post('/mfa/recovery', { code: 'aaaa-bbbb-cccc-dddd' })).status).toBe(401);
    expect((await browser.post('/mfa/recovery', { code: 'aaaa-bbbb-cccc-deee' })).status).toBe(401);
    expect((await browser.post('/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(429);
    expect((await browser.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(429);
  });

  it('malformed codes are 400 and do not count', async () => {
    const { secret } = await running.seed('bf-malformed');
    const browser = await running.passwordOnly('bf-malformed');
    const malformed: unknown[] = ['12345', '1234567', 'abcdef', '12 345', '１２３４５６', '', ' 123456', 123456, null, ['123456'], { code: '123456' }];
    for (const code of malformed) {
      const res = await browser.post('/mfa/verify', { code });
      expect([JSON.stringify(code), res.status, res.body.error]).toEqual([JSON.stringify(code), 400, 'invalid_request']);
    }
    expect((await browser.post('/mfa/verify', {})).status).toBe(400);
    for (const code of ['', 'short', 'aaaa-bbbb-cccc-dddd-eeee', 'uuuu-uuuu-uuuu-uuuu']) {
      expect((await browser.post('/mfa/recovery', { code })).status).toBe(400);
    }
    expect(running.mfaEvents('bf-malformed').filter((e) => e.outcome === 'failed')).toEqual([]);
    expect((await browser.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
  });

  it('20 parallel guesses cannot overtake the budget: exactly 5 are checked, 15 get 429', async () => {
    const { secret } = await running.seed('bf-parallel');
    const browsers = await Promise.all(Array.from({ length: 20 }, (_, i) => running.passwordOnly('bf-parallel', `192.0.2.${i + 1}`)));
    const wrong = await wrongCode(running, secret);
    const statuses = (await Promise.all(browsers.map((b) => b.post('/mfa/verify', { code: wrong })))).map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });
});

describe.each(STORES)('T13 maxAttempts option on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under, { maxAttempts: 3, lockoutDuration: 5_000, maxLockoutDuration: 20_000 });
  });
  afterAll(() => running.close());

  it('locks after maxAttempts with the configured duration', async () => {
    const { secret } = await running.seed('bf-option');
    expect(await failFromEverywhere(running, 'bf-option', secret, 3)).toEqual([401, 401, 401]);
    const res = await (await running.passwordOnly('bf-option')).post('/mfa/verify', { code: await running.code(secret) });
    expect([res.status, res.headers['retry-after']]).toEqual([429, '5']);
  });
});

describe.each(STORES)('T13 support unlock on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('MfaService.unlock ends a lock at once', async () => {
    const { secret } = await running.seed('bf-unlock');
    await failFromEverywhere(running, 'bf-unlock', secret, 5);
    const browser = await running.passwordOnly('bf-unlock');
    expect((await browser.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(429);
    await running.app.get(MfaService).unlock('bf-unlock');
    expect((await browser.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
  });
});
