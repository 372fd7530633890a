import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionEvents, type SessionEvent } from '../../../lib/index.js';
import { COOKIE, type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

const IP = '203.0.113.77';

describe.each(STORES)('MFA events on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under, { maxAttempts: 2 });
  });
  afterAll(() => running.close());

  it('every outcome is reported with userId, ip, timestamp and purpose, and never a code, secret or session ID', async () => {
    const headers = { 'X-Forwarded-For': IP };
    const { secret, recoveryCodes, browser: enroller } = await running.enroll('ev-user');
    const sensitive: string[] = [secret, ...recoveryCodes, ...recoveryCodes.map((c) => c.replace(/-/g, ''))];
    const cookies: string[] = [enroller.cookie(COOKIE)!];

    // verified, replay_refused
    const code = await running.code(secret);
    sensitive.push(code);
    const a = await running.passwordOnly('ev-user', IP);
    expect((await a.post('/mfa/verify', { code }, headers)).status).toBe(200);
    cookies.push(a.cookie(COOKIE)!);
    const b = await running.passwordOnly('ev-user', IP);
    expect((await b.post('/mfa/verify', { code }, headers)).status).toBe(401);
    // failed, locked, refused_locked (maxAttempts 2: the replay counted as the first)
    expect((await b.post('/mfa/verify', { code: code === '000000' ? '111111' : '000000' }, headers)).status).toBe(401);
    expect((await b.post('/mfa/recovery', { code: recoveryCodes[0] }, headers)).status).toBe(429);
    running.clock.advance(30_000);
    // recovery_code_used
    expect((await b.post('/mfa/recovery', { code: recoveryCodes[0] }, headers)).status).toBe(200);
    cookies.push(b.cookie(COOKIE)!);
    // recovery_codes_regenerated, disabled
    const regenerated = await b.post('/mfa/recovery-codes', undefined, headers);
    sensitive.push(...(regenerated.body.recoveryCodes as string[]));
    expect((await b.delete('/mfa', headers)).status).toBe(204);

    const events = running.mfaEvents('ev-user');
    expect(events.map((e) => e.outcome)).toEqual([
      'enrolled',
      'verified',
      'replay_refused',
      'failed',
      'locked',
      'refused_locked',
      'recovery_code_used',
      'recovery_codes_regenerated',
      'disabled',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ type: 'mfa', userId: 'ev-user', timestamp: expect.any(Number), purpose: expect.any(String) });
      expect(event.timestamp).toBeLessThanOrEqual(running.clock.now);
    }
    expect(events.slice(1).every((e) => e.ip === IP)).toBe(true);
    expect(events.find((e) => e.outcome === 'locked')).toMatchObject({ lockedUntil: expect.any(Number), method: 'totp' });
    expect(events.find((e) => e.outcome === 'refused_locked')).toMatchObject({ method: 'recovery_code' });

    const dump = JSON.stringify(running.events);
    for (const value of [...sensitive, ...cookies, ...cookies.map((c) => decodeURIComponent(c))]) {
      expect(dump).not.toContain(value);
    }
    // Only these fields exist: nothing else can carry a secret.
    const allowed = ['type', 'outcome', 'userId', 'ip', 'timestamp', 'purpose', 'method', 'lockedUntil', 'recoveryCodesLeft'];
    for (const event of events) expect(Object.keys(event).filter((key) => !allowed.includes(key))).toEqual([]);
  });

  it('apps can only subscribe: SessionEvents has no way to emit, not even through a cast', () => {
    const events = running.app.get(SessionEvents) as unknown as Record<string, unknown>;
    for (const name of ['emit', 'emitFor', 'eventFor']) expect(events[name]).toBeUndefined();
    // Nothing it holds in reach of app code is an emitter either.
    for (const value of Object.values(events)) expect(typeof (value as { emit?: unknown } | null)?.emit).not.toBe('function');
  });

  it('SessionEvents.subscribe adds a listener (and removes it); a failing listener never breaks the request', async () => {
    const received: SessionEvent[] = [];
    const events = running.app.get(SessionEvents);
    const unsubscribe = events.subscribe((event) => {
      received.push(event);
    });
    const failing = events.subscribe(() => {
      throw new Error('listener down');
    });
    const rejecting = events.subscribe(async () => {
      throw new Error('async listener down');
    });
    const { secret } = await running.seed('ev-sub');
    expect((await (await running.passwordOnly('ev-sub')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    expect(received.map((e) => (e.type === 'mfa' ? e.outcome : e.type))).toEqual(['enrolled', 'login', 'verified']);
    unsubscribe();
    failing();
    rejecting();
    running.clock.advance(30_000);
    expect((await (await running.passwordOnly('ev-sub')).post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    expect(received).toHaveLength(3);
  });
});
