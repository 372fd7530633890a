import { beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../../support/stores.js';
import { ALICE, BOB, expectError, login, perTestHarness, type SampleHarness, sessionCookie } from './sample-harness.js';

describe.each(STORES)('T12 sample: recovery codes (POST /api/auth/mfa/recovery) on $name', (store) => {
  const harness = perTestHarness(store, 'sample-recovery');
  let sample: SampleHarness;
  beforeEach(() => {
    sample = harness();
  });

  /** alice enrolled (by a session that is then logged out) and a fresh password-only session of hers. */
  async function enrolledAlice(): Promise<{ secret: string; recoveryCodes: string[] }> {
    const enrolling = sample.client();
    await login(enrolling, ALICE);
    const enrolment = await sample.enrol(enrolling);
    expect((await enrolling.post('/api/auth/logout')).status).toBe(204);
    return enrolment;
  }

  async function passwordOnly(user = ALICE) {
    const client = sample.client();
    const res = await login(client, user);
    expect(res.body.mfa).toBe('required');
    return { client, res };
  }

  it('a recovery code completes the login step: 200 { mfa: "verified" }, a NEW cookie, the old one dead', async () => {
    await sample.start({}, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    const { client, res: passwordStep } = await passwordOnly();
    const halfOpen = client.clone();
    const used = await client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] });
    expect(used.status).toBe(200);
    expect(used.body).toEqual({ mfa: 'verified' });
    expect(sessionCookie(used)!.value).not.toBe(sessionCookie(passwordStep)!.value);
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.session.mfa).toBe(true);
    expectError(await halfOpen.get('/api/me'), 401, 'unauthenticated');
  });

  it('single use: the same code again (another session) is 401 invalid_code; the other codes still work', async () => {
    await sample.start({}, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    const first = await passwordOnly();
    expect((await first.client.post('/api/auth/mfa/recovery', { code: recoveryCodes[3] })).status).toBe(200);
    const second = await passwordOnly();
    expectError(await second.client.post('/api/auth/mfa/recovery', { code: recoveryCodes[3] }), 401, 'invalid_code');
    expectError(await second.client.get('/api/me'), 403, 'mfa_required');
    // Case and hyphens are forgiven; it is the same code.
    const other = recoveryCodes[4]!.toUpperCase().replaceAll('-', '');
    expect((await second.client.post('/api/auth/mfa/recovery', { code: other })).status).toBe(200);
  });

  it('parallel use of one code in 8 password-only sessions: exactly one success, the rest 401', async () => {
    // Every failure counts toward the lock: a budget above 8 keeps this about single use only.
    await sample.start({ MFA_MAX_ATTEMPTS: '20' }, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    const sessions = await Promise.all(Array.from({ length: 8 }, () => passwordOnly()));
    const answers = await Promise.all(
      sessions.map(({ client }) => client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] })),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    for (const res of answers.filter((r) => r.status === 401)) expectError(res, 401, 'invalid_code');
  });

  it.each([
    ['upper case', (code: string) => code.toUpperCase()],
    ['no hyphens', (code: string) => code.replaceAll('-', '')],
    ['spaces for hyphens', (code: string) => code.replaceAll('-', ' ')],
    ['surrounding spaces', (code: string) => `  ${code} `],
    ['look-alikes typed (1 as l, 0 as O)', (code: string) => code.replaceAll('1', 'l').replaceAll('0', 'O')],
  ])('the documented lenient forms are the same code (%s): accepted once, then spent in every form', async (_form, typed) => {
    await sample.start({}, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    // A code that shows the characters the form changes, when one has them.
    const code = recoveryCodes.find((c) => /[01]/.test(c)) ?? recoveryCodes[0]!;
    const { client } = await passwordOnly();
    expect((await client.post('/api/auth/mfa/recovery', { code: typed(code) })).status).toBe(200);
    const again = await passwordOnly();
    expectError(await again.client.post('/api/auth/mfa/recovery', { code }), 401, 'invalid_code');
  });

  it('a code of the wrong shape is 400 invalid_request and does not count toward the lock', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '2' }, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    const { client } = await passwordOnly();
    const wrongShapes = ['123456', 'abcd-efgh', `${recoveryCodes[0]}-0000`, 'abcd--efgh-jkmn-pqrs', 'abcd_efgh_jkmn_pqrs', 'uuuu-uuuu-uuuu-uuuu'];
    for (const code of [...wrongShapes, 'abcd-efgh-jkmn-pqr\ud800', 12345678, null, ['x'], '']) {
      expectError(await client.post('/api/auth/mfa/recovery', { code }), 400, 'invalid_request');
    }
    expectError(await client.post('/api/auth/mfa/recovery', {}), 400, 'invalid_request');
    // Two malformed rounds later, one right-shaped wrong code is still a plain 401 ...
    expectError(await client.post('/api/auth/mfa/recovery', { code: '0000-0000-0000-0000' }), 401, 'invalid_code');
    // ... and the right code still works: nothing malformed was counted.
    expect((await client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(200);
  });

  it('wrong recovery codes count toward the lock: 429 locked with Retry-After, then even a right one is refused', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '2' }, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    const { client } = await passwordOnly();
    expectError(await client.post('/api/auth/mfa/recovery', { code: '0000-0000-0000-0000' }), 401, 'invalid_code');
    expectError(await client.post('/api/auth/mfa/recovery', { code: '0000-0000-0000-0001' }), 401, 'invalid_code');
    const locked = await client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] });
    expectError(locked, 429, 'locked');
    expect(locked.headers['retry-after']).toBe('30');
    // The refused code was not spent: after the lock it works.
    sample.clock!.advance(31_000);
    expect((await client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(200);
  });

  it("alice's recovery code does not open bob's password-only session (T14)", async () => {
    await sample.start({}, { clock: true });
    const { recoveryCodes } = await enrolledAlice();
    const enrollingBob = sample.client();
    await login(enrollingBob, BOB);
    await sample.enrol(enrollingBob);
    const bob = await passwordOnly(BOB);
    expectError(await bob.client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] }), 401, 'invalid_code');
    // Still alice's to use.
    const alice = await passwordOnly();
    expect((await alice.client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(200);
  });

  it('from a session not waiting for MFA: 400 mfa_not_pending; without a session: 401 unauthenticated', async () => {
    await sample.start({}, { clock: true });
    expectError(
      await sample.client().post('/api/auth/mfa/recovery', { code: '0000-0000-0000-0000' }),
      401,
      'unauthenticated',
    );
    const bob = sample.client();
    await login(bob, BOB);
    expectError(await bob.post('/api/auth/mfa/recovery', { code: '0000-0000-0000-0000' }), 400, 'mfa_not_pending');
    const { recoveryCodes } = await enrolledAlice();
    const { client } = await passwordOnly();
    expect((await client.post('/api/auth/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(200);
    expectError(await client.post('/api/auth/mfa/recovery', { code: recoveryCodes[1] }), 400, 'mfa_not_pending');
  });
});
