import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningMfaApp, SENSITIVE_MAX_AGE, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

/** Past the route's maxAge, even with the harness clock up to 15 s off the real one. */
const SENSITIVE_STALE = SENSITIVE_MAX_AGE + 30_000;
const DEFAULT_STALE = 5 * 60_000 + 30_000;

describe.each(STORES)('T16 step-up on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('@RequireMfa: fresh MFA passes; stale is 403 step_up_required; step-up satisfies it and rotates the session ID', async () => {
    const { secret } = await running.seed('s-user');
    const browser = await running.fullyLoggedIn('s-user', secret);
    expect((await browser.post('/account/sensitive')).status).toBe(200);

    running.clock.advance(SENSITIVE_STALE);
    const stale = await browser.post('/account/sensitive');
    expect([stale.status, stale.body.error]).toEqual([403, 'step_up_required']);
    // A route with the default maxAge (5 minutes) still passes; /me never needs step-up.
    expect((await browser.get('/account/settings')).status).toBe(200);
    expect((await browser.get('/me')).status).toBe(200);

    const before = browser.clone();
    const stepUp = await browser.post('/mfa/step-up', { code: await running.code(secret) });
    expect(stepUp.status).toBe(200);
    expect(browser.cookie(COOKIE)).not.toBe(before.cookie(COOKIE));
    expect((await before.get('/me')).status).toBe(401);
    expect(await running.hasRecord(before.cookie(COOKIE)!)).toBe(false);
    expect((await browser.post('/account/sensitive')).status).toBe(200);
    expect(running.mfaEvents('s-user').filter((e) => e.purpose === 'step_up').map((e) => e.outcome)).toEqual(['verified']);
  });

  it('step-up refuses a wrong code (401, counted) and a replayed one (401)', async () => {
    const { secret } = await running.seed('s-wrong');
    const loginCode = await running.code(secret);
    const browser = await running.fullyLoggedIn('s-wrong', secret);
    running.clock.advance(SENSITIVE_STALE);
    const wrong = (await running.code(secret)) === '000000' ? '111111' : '000000';
    expect((await browser.post('/mfa/step-up', { code: wrong })).status).toBe(401);
    // The login code's step is consumed; it is too old for the window anyway.
    expect((await browser.post('/mfa/step-up', { code: loginCode })).status).toBe(401);
    const code = await running.code(secret);
    expect((await browser.post('/mfa/step-up', { code })).status).toBe(200);
    expect((await browser.post('/mfa/step-up', { code })).status).toBe(401);
    expect(running.mfaEvents('s-wrong').map((e) => e.outcome)).toEqual(['enrolled', 'verified', 'failed', 'failed', 'verified', 'replay_refused']);
  });

  it('step-up with a malformed code is 400; a user without MFA gets 400 mfa_not_enrolled', async () => {
    const { secret } = await running.seed('s-malformed');
    const browser = await running.fullyLoggedIn('s-malformed', secret);
    expect((await browser.post('/mfa/step-up', { code: '12' })).status).toBe(400);
    const plain = await running.passwordOnly('s-plain');
    const res = await plain.post('/mfa/step-up', { code: '123456' });
    expect([res.status, res.body.error]).toEqual([400, 'mfa_not_enrolled']);
  });

  it('MFA changes need step-up: regenerate recovery codes, disable, re-enrol (403 when stale, allowed after)', async () => {
    const { secret } = await running.seed('s-changes');
    const browser = await running.fullyLoggedIn('s-changes', secret);
    running.clock.advance(DEFAULT_STALE);
    for (const send of [() => browser.post('/mfa/recovery-codes'), () => browser.delete('/mfa'), () => browser.post('/mfa/enroll')]) {
      const res = await send();
      expect([res.status, res.body.error]).toEqual([403, 'step_up_required']);
    }
    expect(running.mfaSecrets.enrollments.has('s-changes')).toBe(true);
    expect((await browser.post('/mfa/step-up', { code: await running.code(secret) })).status).toBe(200);
    expect((await browser.post('/mfa/recovery-codes')).status).toBe(200);
    expect((await browser.post('/mfa/enroll')).status).toBe(200);
    expect((await browser.delete('/mfa')).status).toBe(204);
    expect(running.mfaSecrets.enrollments.has('s-changes')).toBe(false);
    // MFA is off: the next login needs no code.
    expect((await running.browser().post('/login', { user: 's-changes' })).body.mfa).toBe('none');
  });

  it('the password alone never counts for MFA changes of an enrolled user', async () => {
    // This session logged in before the user enrolled elsewhere: mfa "none", a fresh password step.
    const early = await running.passwordOnly('s-late-enrol');
    await running.seed('s-late-enrol');
    const res = await early.delete('/mfa');
    expect([res.status, res.body.error]).toEqual([403, 'step_up_required']);
    expect(running.mfaSecrets.enrollments.has('s-late-enrol')).toBe(true);
  });
});

describe.each(STORES)('T16 step-up for a user without MFA on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    // Its own app: the password step is timed by the real clock, so the MFA clock must still be near it.
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('a user without MFA: a recent password step satisfies @RequireMfa, a stale one does not', async () => {
    const browser = await running.passwordOnly('s-no-mfa');
    expect((await browser.post('/account/sensitive')).status).toBe(200);
    running.clock.advance(SENSITIVE_STALE);
    const stale = await browser.post('/account/sensitive');
    expect([stale.status, stale.body.error]).toEqual([403, 'step_up_required']);
    // No code can refresh it: step-up needs an enrolled factor (logging in again is the way back).
    const res = await browser.post('/mfa/step-up', { code: '123456' });
    expect([res.status, res.body.error]).toEqual([400, 'mfa_not_enrolled']);
  });
});
