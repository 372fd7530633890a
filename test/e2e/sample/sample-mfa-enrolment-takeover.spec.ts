import { describe, expect, it } from 'vitest';
import { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, expectError, login, perTestHarness, secretOf, sessionCookie, type SampleHarness } from './sample-harness.js';

const STEP_MS = 30_000;

/**
 * Issue #12 (1): an enrolment left pending in an old session must never replace the factor the
 * user set up since. The attacker's session A (password only) starts an enrolment with its own
 * secret SA; alice then enrols in session B; A's confirm with a valid code of SA must fail and
 * leave alice's authenticator the only one that works.
 */
describe.each(STORES)('MFA takeover through a stale pending enrolment on $name', (store) => {
  const harness = perTestHarness(store, 'sample-mfa-takeover');

  /** Runs the attack with session A on `attackerApp` and alice's session B on `aliceApp`. */
  async function attack(sample: SampleHarness, attacker: BrowserClient, alice: BrowserClient): Promise<void> {
    expect((await login(attacker, ALICE)).body.mfa).toBe('none');
    const started = await attacker.post('/api/mfa/enroll');
    expect(started.status).toBe(200);
    const attackerSecret = secretOf(started.body.otpauthUrl);

    await login(alice, ALICE);
    const { secret: aliceSecret } = await sample.enrol(alice);
    expectError(await attacker.post('/api/mfa/enroll'), 403, 'step_up_required');

    // The old pending enrolment died with alice's change: a valid code of SA changes nothing.
    const confirm = await attacker.post('/api/mfa/enroll/confirm', { code: await sample.code(attackerSecret) });
    expectError(confirm, 400, 'enrollment_expired');
    expect(confirm.body.recoveryCodes).toBeUndefined();
    expect(sessionCookie(confirm)).toBeUndefined();
    // ...and it stays dead: a retry finds nothing pending.
    sample.clock!.advance(STEP_MS);
    expectError(await attacker.post('/api/mfa/enroll/confirm', { code: await sample.code(attackerSecret) }), 400, 'enrollment_not_started');

    // The next login: alice's authenticator works, the attacker's never did.
    sample.clock!.advance(STEP_MS);
    const next = sample.client();
    expect((await login(next, ALICE)).body.mfa).toBe('required');
    expectError(await next.post('/api/auth/mfa/verify', { code: await sample.code(attackerSecret) }), 401, 'invalid_code');
    expect((await next.post('/api/auth/mfa/verify', { code: await sample.code(aliceSecret) })).status).toBe(200);
  }

  it('A confirms with a valid code of its own secret after alice enrolled in B: 400 enrollment_expired, her factor stays', async () => {
    const sample = harness();
    await sample.start({}, { clock: true });
    await attack(sample, sample.client(), sample.client());
  });

  it.runIf(store.name === 'redis')('the same attack with A and B on two app instances sharing Redis and one user database', async () => {
    const sample = harness();
    await sample.start({}, { clock: true });
    const other = await sample.startAnother({ sharedUsers: true });
    await attack(sample, sample.client(other), sample.client());
  });

  it('two sessions confirming their own pending enrolments at once: exactly one wins, the other is enrollment_expired', async () => {
    const sample = harness();
    await sample.start({}, { clock: true });
    // On Redis the second session runs on another instance (shared users, shared MFA lock).
    const app = store.name === 'redis' ? await sample.startAnother({ sharedUsers: true }) : sample.app;
    const clients = [sample.client(), sample.client(app), sample.client(), sample.client(app)];
    const secrets: string[] = [];
    for (const client of clients) {
      await login(client, ALICE);
      secrets.push(secretOf((await client.post('/api/mfa/enroll')).body.otpauthUrl));
    }
    const answers = await Promise.all(
      clients.map(async (client, i) => client.post('/api/mfa/enroll/confirm', { code: await sample.code(secrets[i]!) })),
    );
    const won = answers.filter((res) => res.status === 200);
    expect(won).toHaveLength(1);
    for (const res of answers.filter((r) => r.status !== 200)) expectError(res, 400, 'enrollment_expired');
    // The one stored factor is the winner's.
    const winner = answers.findIndex((res) => res.status === 200);
    sample.clock!.advance(STEP_MS);
    const next = sample.client();
    await login(next, ALICE);
    for (const [i, secret] of secrets.entries()) {
      if (i === winner) continue;
      expectError(await next.post('/api/auth/mfa/verify', { code: await sample.code(secret) }), 401, 'invalid_code');
    }
    expect((await next.post('/api/auth/mfa/verify', { code: await sample.code(secrets[winner]!) })).status).toBe(200);
  });

  it.each([
    ['recovery codes are regenerated', 'post', '/api/mfa/recovery-codes', 200],
    ['MFA is turned off', 'delete', '/api/mfa', 204],
] as const)('a pending re-enrolment dies when %s in another session', async (_label, method, path, status) => {
    const sample = harness();
    await sample.start({}, { clock: true });
    const settings = sample.client();
    await login(settings, ALICE);
    const { secret } = await sample.enrol(settings);
    // Session C has just verified MFA, so it may re-enrol; it leaves the new enrolment pending.
    const reenrolling = await sample.fullyLoggedIn(ALICE, secret);
    const started = await reenrolling.post('/api/mfa/enroll');
    expect(started.status).toBe(200);

    expect((await settings[method](path)).status).toBe(status);

    const confirm = await reenrolling.post('/api/mfa/enroll/confirm', { code: await sample.code(secretOf(started.body.otpauthUrl)) });
    expectError(confirm, 400, 'enrollment_expired');
  });

  it("a step-up made with the old factor does not authorise MFA changes after alice re-enrolled elsewhere", async () => {
    const sample = harness();
    await sample.start({}, { clock: true });
    const first = sample.client();
    await login(first, ALICE);
    const { secret: oldSecret } = await sample.enrol(first);
    // The attacker's session verified the old factor a minute ago: its step-up is recent.
    const attacker = await sample.fullyLoggedIn(ALICE, oldSecret);
    // Alice moves to a new authenticator in her session (her confirm is her step-up).
    const moved = await first.post('/api/mfa/enroll');
    const newSecret = secretOf(moved.body.otpauthUrl);
    expect((await first.post('/api/mfa/enroll/confirm', { code: await sample.code(newSecret) })).status).toBe(200);
    sample.clock!.advance(STEP_MS);

    expectError(await attacker.delete('/api/mfa'), 403, 'step_up_required');
    expectError(await attacker.post('/api/mfa/recovery-codes'), 403, 'step_up_required');
    expectError(await attacker.post('/api/mfa/enroll'), 403, 'step_up_required');
    // The old factor cannot refresh it either; the current one can.
    expectError(await attacker.post('/api/auth/mfa/step-up', { code: await sample.code(oldSecret) }), 401, 'invalid_code');
    // Alice's own session goes on: her changes keep her step-up current.
    expect((await first.post('/api/mfa/recovery-codes')).status).toBe(200);
    expect((await first.delete('/api/mfa')).status).toBe(204);
  });

  it('a pending enrolment dies after 10 minutes (mfa.pendingEnrollmentMaxAge); a new one works', async () => {
    const sample = harness();
    await sample.start({}, { clock: true });
    const client = sample.client();
    await login(client, ALICE);
    const old = secretOf((await client.post('/api/mfa/enroll')).body.otpauthUrl);
    sample.clock!.advance(10 * 60_000 + 1_000);
    expectError(await client.post('/api/mfa/enroll/confirm', { code: await sample.code(old) }), 400, 'enrollment_expired');
    expectError(await client.post('/api/mfa/enroll/confirm', { code: await sample.code(old) }), 400, 'enrollment_not_started');
    // Just inside the limit a new enrolment confirms.
    const fresh = secretOf((await client.post('/api/mfa/enroll')).body.otpauthUrl);
    sample.clock!.advance(10 * 60_000 - 1_000);
    expect((await client.post('/api/mfa/enroll/confirm', { code: await sample.code(fresh) })).status).toBe(200);
  });

  it('a wrong code keeps the pending enrolment (the contract): only a change elsewhere or its age ends it', async () => {
    const sample = harness();
    await sample.start({}, { clock: true });
    const client = sample.client();
    await login(client, ALICE);
    const secret = secretOf((await client.post('/api/mfa/enroll')).body.otpauthUrl);
    const right = await sample.code(secret);
    const wrong = right === '000000' ? '111111' : '000000';
    expectError(await client.post('/api/mfa/enroll/confirm', { code: wrong }), 400, 'invalid_code');
    expect((await client.post('/api/mfa/enroll/confirm', { code: right })).status).toBe(200);
  });
});

describe.each(STORES)('MFA_END_OTHER_SESSIONS=true (the module default) on $name', (store) => {
  const harness = perTestHarness(store, 'sample-mfa-end-others');

  it("enrolling ends the user's other sessions, the password-only one included; the enrolling one goes on", async () => {
    const sample = harness();
    await sample.start({ MFA_END_OTHER_SESSIONS: 'true' }, { clock: true });
    const attacker = sample.client();
    await login(attacker, ALICE);
    const alice = sample.client();
    await login(alice, ALICE);
    await sample.enrol(alice);
    expectError(await attacker.get('/api/me'), 401, 'unauthenticated');
    expect((await alice.get('/api/me')).status).toBe(200);
  });

  it('turning MFA off and regenerating recovery codes end the other sessions too', async () => {
    const sample = harness();
    await sample.start({ MFA_END_OTHER_SESSIONS: 'true' }, { clock: true });
    const alice = sample.client();
    await login(alice, ALICE);
    const { secret } = await sample.enrol(alice);
    const second = await sample.fullyLoggedIn(ALICE, secret);
    // The second session just verified MFA, so it may manage MFA; alice's first one must end.
    expect((await second.post('/api/mfa/recovery-codes')).status).toBe(200);
    expectError(await alice.get('/api/me'), 401, 'unauthenticated');
    const third = await sample.fullyLoggedIn(ALICE, secret);
    expect((await second.delete('/api/mfa')).status).toBe(204);
    expectError(await third.get('/api/me'), 401, 'unauthenticated');
    expect((await second.get('/api/me')).body.user.mfaEnrolled).toBe(false);
  });
});
