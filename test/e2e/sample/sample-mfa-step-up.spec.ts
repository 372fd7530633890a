import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import {
  ALICE,
  BOB,
  expectError,
  login,
  perTestHarness,
  secretOf,
  sessionCookie,
  wrongCode,
  type SampleHarness,
} from './sample-harness.js';

/** mfa.stepUpMaxAge, the module default the sample keeps. */
const STEP_UP_MAX_AGE = 5 * 60_000;

describe.each(STORES)('T16 sample: step-up for MFA changes on $name', (store) => {
  const harness = perTestHarness(store, 'sample-step-up');
  let sample: SampleHarness;
  beforeEach(async () => {
    sample = harness();
    await sample.start({}, { clock: true });
  });

  /** alice enrolled by this client, whose session is MFA-verified since confirm. */
  async function enrolledAlice(): Promise<{ client: BrowserClient; secret: string; recoveryCodes: string[] }> {
    const client = sample.client();
    await login(client, ALICE);
    return { client, ...(await sample.enrol(client)) };
  }

  async function passwordOnly(user = ALICE): Promise<BrowserClient> {
    const client = sample.client();
    expect((await login(client, user)).body.mfa).toBe('required');
    return client;
  }

  it('a stale MFA verification: 403 step_up_required for regenerate, disable and re-enrol; step-up (NEW cookie) unlocks them', async () => {
    const { client, secret } = await enrolledAlice();
    sample.clock!.advance(STEP_UP_MAX_AGE);
    expectError(await client.post('/api/mfa/recovery-codes'), 403, 'step_up_required');
    expectError(await client.delete('/api/mfa'), 403, 'step_up_required');
    expectError(await client.post('/api/mfa/enroll'), 403, 'step_up_required');
    // Other routes do not need it.
    expect((await client.get('/api/me')).status).toBe(200);

    expectError(await client.post('/api/auth/mfa/step-up', { code: await wrongCode(secret) }), 401, 'invalid_code');
    const before = client.clone();
    const steppedUp = await client.post('/api/auth/mfa/step-up', { code: await sample.code(secret) });
    expect(steppedUp.status).toBe(200);
    expect(steppedUp.body).toEqual({ mfa: 'verified' });
    expect(sessionCookie(steppedUp)!.value).not.toBe(before.cookie('sid'));
    // The ID before step-up is dead (T16: the session ID rotates on step-up).
    expectError(await before.get('/api/me'), 401, 'unauthenticated');
    expectError(await before.post('/api/mfa/recovery-codes'), 401, 'unauthenticated');

    const regenerated = await client.post('/api/mfa/recovery-codes');
    expect(regenerated.status).toBe(200);
    expect(Object.keys(regenerated.body)).toEqual(['recoveryCodes']);
    expect(regenerated.body.recoveryCodes).toHaveLength(10);
    // The step-up stays fresh for stepUpMaxAge, then it is needed again.
    sample.clock!.advance(STEP_UP_MAX_AGE + 1_000);
    expectError(await client.post('/api/mfa/recovery-codes'), 403, 'step_up_required');
  });

  it('a session of the user from before the enrolment (mfa none) needs the second factor too', async () => {
    const earlier = sample.client();
    await login(earlier, ALICE);
    const { secret } = await enrolledAlice();
    expect((await earlier.get('/api/me')).body.session.mfa).toBe(false);
    expectError(await earlier.post('/api/mfa/recovery-codes'), 403, 'step_up_required');
    expectError(await earlier.delete('/api/mfa'), 403, 'step_up_required');
    expectError(await earlier.post('/api/mfa/enroll'), 403, 'step_up_required');
    expect((await earlier.post('/api/auth/mfa/step-up', { code: await sample.code(secret) })).status).toBe(200);
    expect((await earlier.get('/api/me')).body.session.mfa).toBe(true);
    expect((await earlier.post('/api/mfa/recovery-codes')).status).toBe(200);
  });

  it('regenerating kills the old set: an old code is 401, a new one works', async () => {
    const { client, recoveryCodes: old } = await enrolledAlice();
    const renewed = await client.post('/api/mfa/recovery-codes');
    expect(renewed.status).toBe(200);
    const fresh: string[] = renewed.body.recoveryCodes;
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    const pending = await passwordOnly();
    expectError(await pending.post('/api/auth/mfa/recovery', { code: old[0] }), 401, 'invalid_code');
    expect((await pending.post('/api/auth/mfa/recovery', { code: fresh[0] })).status).toBe(200);
  });

  it('DELETE /api/mfa: 204, then login is password only, and MFA changes say mfa_not_enrolled', async () => {
    const { client, secret } = await enrolledAlice();
    expect((await client.get('/api/me')).body.user.mfaEnrolled).toBe(true);
    const disabled = await client.delete('/api/mfa');
    expect(disabled.status).toBe(204);
    expect(disabled.text).toBe('');
    expect((await client.get('/api/me')).body.user.mfaEnrolled).toBe(false);
    expect((await login(sample.client(), ALICE)).body).toEqual({
      user: { id: ALICE.id, username: 'alice' },
      mfa: 'none',
    });
    expectError(
      await client.post('/api/auth/mfa/step-up', { code: await sample.code(secret) }),
      400,
      'mfa_not_enrolled',
    );
    expectError(await client.post('/api/mfa/recovery-codes'), 400, 'mfa_not_enrolled');
    expectError(await client.delete('/api/mfa'), 400, 'mfa_not_enrolled');
    // Enrolling again is a first enrolment: no step-up needed.
    expect((await client.post('/api/mfa/enroll')).status).toBe(200);
  });

  it('re-enrolling: 403 step_up_required when stale; after step-up a NEW secret, and confirming it retires the old one', async () => {
    const { client, secret: oldSecret } = await enrolledAlice();
    sample.clock!.advance(STEP_UP_MAX_AGE);
    expectError(await client.post('/api/mfa/enroll'), 403, 'step_up_required');
    expect((await client.post('/api/auth/mfa/step-up', { code: await sample.code(oldSecret) })).status).toBe(200);
    sample.clock!.advance(30_000);
    const started = await client.post('/api/mfa/enroll');
    expect(started.status).toBe(200);
    const newSecret = secretOf(started.body.otpauthUrl);
    expect(newSecret).not.toBe(oldSecret);
    // Until confirmed, the old secret is the one that counts.
    const meanwhile = await passwordOnly();
    expect((await meanwhile.post('/api/auth/mfa/verify', { code: await sample.code(oldSecret) })).status).toBe(200);
    sample.clock!.advance(30_000);
    const confirmed = await client.post('/api/mfa/enroll/confirm', { code: await sample.code(newSecret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    sample.clock!.advance(30_000);
    const next = await passwordOnly();
    expectError(await next.post('/api/auth/mfa/verify', { code: await sample.code(oldSecret) }), 401, 'invalid_code');
    expect((await next.post('/api/auth/mfa/verify', { code: await sample.code(newSecret) })).status).toBe(200);
  });

  it('step-up answers: 401 without a session, 403 mfa_required before MFA, 400 for a bad code or a user without MFA, 429 when locked', async () => {
    expectError(await sample.client().post('/api/auth/mfa/step-up', { code: '123456' }), 401, 'unauthenticated');
    const { secret } = await enrolledAlice();
    const pending = await passwordOnly();
    expectError(await pending.post('/api/auth/mfa/step-up', { code: await sample.code(secret) }), 403, 'mfa_required');
    const bob = sample.client();
    await login(bob, BOB);
    expectError(await bob.post('/api/auth/mfa/step-up', { code: '123456' }), 400, 'mfa_not_enrolled');

    const alice = await sample.fullyLoggedIn(ALICE, secret);
    for (const code of ['12345', 123456, '12345a']) {
      expectError(await alice.post('/api/auth/mfa/step-up', { code }), 400, 'invalid_request');
    }
    const wrong = await wrongCode(secret);
    for (let i = 0; i < 5; i++)
      expectError(await alice.post('/api/auth/mfa/step-up', { code: wrong }), 401, 'invalid_code');
    const locked = await alice.post('/api/auth/mfa/step-up', { code: await sample.code(secret) });
    expectError(locked, 429, 'locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a step-up code is consumed: the same code cannot then complete a login (replay)', async () => {
    const { client, secret } = await enrolledAlice();
    const code = await sample.code(secret);
    expect((await client.post('/api/auth/mfa/step-up', { code })).status).toBe(200);
    const pending = await passwordOnly();
    expectError(await pending.post('/api/auth/mfa/verify', { code }), 401, 'invalid_code');
  });
});
