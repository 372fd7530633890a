import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryMfaStateStore,
  type AttemptDecision,
  type AttemptPolicy,
  type MfaStateStore,
  type TotpAttempt,
  type TotpAttemptResult,
} from '../../../lib/index.js';
import { type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

const STORE_TIMEOUT = 300;
/** Generous: proves "bounded, never hangs" (a hang would run into the test timeout), not speed. */
const BOUND = STORE_TIMEOUT + 4_000;

/** An MFA state store that stops answering on demand, as a hung Redis does (no error, no reply). */
class HangingMfaStateStore implements MfaStateStore {
  hung = false;
  private readonly inner = new MemoryMfaStateStore();

  beginAttempt(userId: string, policy: AttemptPolicy, now: number): Promise<AttemptDecision> {
    return this.answer(() => this.inner.beginAttempt(userId, policy, now));
  }
  attemptTotp(attempt: TotpAttempt): Promise<TotpAttemptResult> {
    return this.answer(() => this.inner.attemptTotp(attempt));
  }
  clearAttempts(userId: string): Promise<void> {
    return this.answer(() => this.inner.clearAttempts(userId));
  }
  consumeTimeStep(userId: string, factorId: string, timeStep: number, ttlMs: number): Promise<boolean> {
    return this.answer(() => this.inner.consumeTimeStep(userId, factorId, timeStep, ttlMs));
  }
  acquireLock(userId: string, ttlMs: number): Promise<string | null> {
    return this.answer(() => this.inner.acquireLock(userId, ttlMs));
  }
  releaseLock(userId: string, token: string): Promise<void> {
    return this.answer(() => this.inner.releaseLock(userId, token));
  }

  private answer<T>(call: () => Promise<T>): Promise<T> {
    return this.hung ? new Promise<T>(() => undefined) : call();
  }
}

/** DESIGN "failure is closed": an MFA state store that does not answer is 503 within storeTimeout. */
describe.each(STORES)('MFA with a hung state store on $name', (under) => {
  const state = new HangingMfaStateStore();
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under, { stateStore: state }, { storeTimeout: STORE_TIMEOUT });
  });
  afterAll(() => running.close());

  it('the TOTP step answers 503 within the bound, and works again once the store answers', async () => {
    const { secret } = await running.seed('hung-user');
    const browser = await running.passwordOnly('hung-user');
    state.hung = true;
    const started = performance.now();
    const res = await browser.post('/mfa/verify', { code: await running.code(secret) });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'session_store_unavailable', message: expect.any(String) });
    expect(performance.now() - started).toBeLessThan(BOUND);
    expect((await browser.get('/me')).status).toBe(403);

    state.hung = false;
    expect((await browser.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
    expect((await browser.get('/me')).status).toBe(200);
  });
});
