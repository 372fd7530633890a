import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MFA_ISSUER } from '../../../sample/config/session-options.js';
import { STORES } from '../../support/stores.js';
import {
  ALICE,
  BOB,
  codeAt,
  enrolMfa,
  expectError,
  login,
  SampleHarness,
  secretOf,
  sessionCookie,
  wrongCode,
} from './sample-harness.js';

describe.each(STORES)('sample MFA: enrolment and the TOTP step on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-mfa');
  beforeEach(() => sample.start());
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  it('POST /api/mfa/enroll: an otpauth URI with issuer and label, and a PNG QR code', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const res = await client.post('/api/mfa/enroll');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['otpauthUrl', 'qrDataUrl']);
    const uri = new URL(res.body.otpauthUrl);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/${MFA_ISSUER}:alice`);
    expect(uri.searchParams.get('issuer')).toBe(MFA_ISSUER);
    expect(secretOf(res.body.otpauthUrl)).toMatch(/^[A-Z2-7]{32,}$/);
    expect(res.body.qrDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  });

  it('enrolment needs a session: 401 unauthenticated for enroll and confirm', async () => {
    const client = sample.client();
    expectError(await client.post('/api/mfa/enroll'), 401, 'unauthenticated');
    expectError(await client.post('/api/mfa/enroll/confirm', { code: '123456' }), 401, 'unauthenticated');
  });

  it('confirm: a wrong code is 400 invalid_code, the enrolment stays; the right one is 200 { recoveryCodes } (10)', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const secret = secretOf((await client.post('/api/mfa/enroll')).body.otpauthUrl);
    expectError(await client.post('/api/mfa/enroll/confirm', { code: await wrongCode(secret) }), 400, 'invalid_code');
    const res = await client.post('/api/mfa/enroll/confirm', { code: await codeAt(secret) });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['recoveryCodes']);
    expect(res.body.recoveryCodes).toHaveLength(10);
    expect(new Set(res.body.recoveryCodes).size).toBe(10);
    for (const code of res.body.recoveryCodes)
      expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
  });

  it('confirm before enroll: 400 and MFA stays off', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const res = await client.post('/api/mfa/enroll/confirm', { code: '123456' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('enrollment_not_started');
    expect((await login(sample.client(), ALICE)).body.mfa).toBe('none');
  });

  it('full flow: enrol, log out, log in (mfa required), verify with a NEW cookie, then /api/me says mfa: true', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const secret = await enrolMfa(client);
    expect((await client.post('/api/auth/logout')).status).toBe(204);

    const passwordStep = await login(client, ALICE);
    expect(passwordStep.status).toBe(200);
    expect(passwordStep.body).toEqual({ user: { id: ALICE.id, username: 'alice' }, mfa: 'required' });
    const halfOpen = client.clone();

    // T09: the password-only session reaches nothing but the TOTP step and logout.
    expectError(await client.get('/api/me'), 403, 'mfa_required');
    expectError(await client.post('/api/mfa/enroll'), 403, 'mfa_required');
    expectError(await client.post('/api/mfa/enroll/confirm', { code: '123456' }), 403, 'mfa_required');

    expectError(await client.post('/api/auth/mfa/verify', { code: await wrongCode(secret) }), 401, 'invalid_code');
    const verified = await client.post('/api/auth/mfa/verify', { code: await codeAt(secret) });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ mfa: 'verified' });
    expect(sessionCookie(verified)!.value).not.toBe(sessionCookie(passwordStep)!.value);

    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.session.mfa).toBe(true);
    // The password-step ID died at verify: holding it gets nothing.
    expectError(await halfOpen.get('/api/me'), 401, 'unauthenticated');
  });

  it('a password-only session may log out', async () => {
    const client = sample.client();
    await login(client, ALICE);
    await enrolMfa(client);
    await login(client, ALICE);
    const halfOpen = client.clone();
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expectError(await halfOpen.post('/api/auth/mfa/verify', { code: '123456' }), 401, 'unauthenticated');
  });

  it('verify from a session not waiting for MFA: 400 mfa_not_pending (no MFA, and already verified)', async () => {
    const client = sample.client();
    await login(client, ALICE);
    expectError(await client.post('/api/auth/mfa/verify', { code: '123456' }), 400, 'mfa_not_pending');

    const secret = await enrolMfa(client);
    await login(client, ALICE);
    expect((await client.post('/api/auth/mfa/verify', { code: await codeAt(secret) })).status).toBe(200);
    expectError(await client.post('/api/auth/mfa/verify', { code: await codeAt(secret) }), 400, 'mfa_not_pending');
  });

  it('verify without a session: 401 unauthenticated', async () => {
    expectError(await sample.client().post('/api/auth/mfa/verify', { code: '123456' }), 401, 'unauthenticated');
  });

  it("alice's enrolment changes nothing for bob; her code does not open his password-only session (T14)", async () => {
    const alice = sample.client();
    await login(alice, ALICE);
    const aliceSecret = await enrolMfa(alice);
    const bob = sample.client();
    expect((await login(bob, BOB)).body.mfa).toBe('none');

    const bobSecret = await enrolMfa(bob);
    await login(bob, BOB);
    const aliceCode = await codeAt(aliceSecret);
    if (aliceCode !== (await codeAt(bobSecret))) {
      expectError(await bob.post('/api/auth/mfa/verify', { code: aliceCode }), 401, 'invalid_code');
    }
    expectError(await bob.get('/api/me'), 403, 'mfa_required');
  });

  it("confirm marks the enrolling session MFA-verified under a NEW cookie; the user's other sessions stay as they were", async () => {
    const client = sample.client();
    await login(client, ALICE);
    const other = sample.client();
    await login(other, ALICE);
    const otherCookie = other.cookie('sid');
    const before = client.clone();

    const started = await client.post('/api/mfa/enroll');
    expect(sessionCookie(started)).toBeUndefined();
    const secret = secretOf(started.body.otpauthUrl);
    const confirmed = await client.post('/api/mfa/enroll/confirm', { code: await codeAt(secret) });
    expect(confirmed.status).toBe(200);
    expect(sessionCookie(confirmed)!.value).not.toBe(before.cookie('sid'));
    expect((await client.get('/api/me')).body.session.mfa).toBe(true);
    // The ID the enrolment started under died at confirm.
    expectError(await before.get('/api/me'), 401, 'unauthenticated');

    // The second session of the same user: same cookie, still fully authenticated, mfa false.
    const me = await other.get('/api/me');
    expect(me.status).toBe(200);
    // mfaEnrolled belongs to the user: every session of alice says so at once.
    expect(me.body.user).toEqual({ id: ALICE.id, username: 'alice', mfaEnrolled: true });
    expect(me.body.session.mfa).toBe(false);
    expect(other.cookie('sid')).toBe(otherCookie);
    // The next login of that user needs MFA.
    expect((await login(sample.client(), ALICE)).body.mfa).toBe('required');
  });
});
