import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, BOB, expectError, login, perTestHarness, wrongCode, type SampleHarness } from './sample-harness.js';

describe.each(STORES)('T13 sample: MFA lockout after MFA_MAX_ATTEMPTS on $name', (store) => {
  const harness = perTestHarness(store, 'sample-lockout');
  let sample: SampleHarness;
  beforeEach(() => {
    sample = harness();
  });

  async function enrolled(user = ALICE): Promise<string> {
    const client = sample.client();
    await login(client, user);
    const { secret } = await sample.enrol(client);
    await client.post('/api/auth/logout');
    return secret;
  }

  async function passwordOnly(user = ALICE, ip?: string): Promise<BrowserClient> {
    const client = sample.client();
    const res = await client.post('/api/auth/login', user, ip ? { 'X-Forwarded-For': ip } : {});
    expect(res.status).toBe(200);
    expect(res.body.mfa).toBe('required');
    return client;
  }

  function verify(client: BrowserClient, code: string, ip?: string) {
    return client.post('/api/auth/mfa/verify', { code }, ip ? { 'X-Forwarded-For': ip } : {});
  }

  it('after MFA_MAX_ATTEMPTS wrong codes: 429 locked with Retry-After, even for the right code; password login still works', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '3' }, { clock: true });
    const secret = await enrolled();
    const bobSecret = await enrolled(BOB);
    const client = await passwordOnly();
    const wrong = await wrongCode(secret);
    for (let i = 0; i < 3; i++) expectError(await verify(client, wrong), 401, 'invalid_code');

    const locked = await verify(client, await sample.code(secret));
    expectError(locked, 429, 'locked');
    expect(locked.headers['retry-after']).toBe('30');
    expectError(await client.get('/api/me'), 403, 'mfa_required');

    // The password step keeps working; the new session's MFA step is locked as well (per account).
    const again = await passwordOnly();
    expectError(await verify(again, await sample.code(secret)), 429, 'locked');
    // Another account is not touched.
    const bob = await passwordOnly(BOB);
    expect((await verify(bob, await sample.code(bobSecret))).status).toBe(200);

    // 20 s later the lock says 10 s; after it ends the right code works.
    sample.clock!.advance(20_000);
    expect((await verify(again, await sample.code(secret))).headers['retry-after']).toBe('10');
    sample.clock!.advance(11_000);
    const verified = await verify(again, await sample.code(secret));
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ mfa: 'verified' });
  });

  it('failures count per account across sessions and IPs', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '3' }, { clock: true });
    const secret = await enrolled();
    const wrong = await wrongCode(secret);
    for (const ip of ['203.0.113.1', '198.51.100.2', '2001:db8::3']) {
      const client = await passwordOnly(ALICE, ip);
      expectError(await verify(client, wrong, ip), 401, 'invalid_code');
    }
    const fourth = await passwordOnly(ALICE, '192.0.2.4');
    expectError(await verify(fourth, await sample.code(secret), '192.0.2.4'), 429, 'locked');
  });

  it('the lock grows: a second lock without a success in between lasts twice as long; a success resets it', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '2' }, { clock: true });
    const secret = await enrolled();
    const client = await passwordOnly();
    const lockOnce = async () => {
      const wrong = await wrongCode(secret);
      for (let i = 0; i < 2; i++) expectError(await verify(client, wrong), 401, 'invalid_code');
      const locked = await verify(client, await sample.code(secret));
      expectError(locked, 429, 'locked');
      return locked.headers['retry-after'];
    };
    expect(await lockOnce()).toBe('30');
    sample.clock!.advance(31_000);
    expect(await lockOnce()).toBe('60');
    sample.clock!.advance(61_000);
    expect((await verify(client, await sample.code(secret))).status).toBe(200);

    // The success reset count and level: the next lock is 30 s again.
    sample.clock!.advance(30_000);
    const next = await passwordOnly();
    const wrong = await wrongCode(secret);
    for (let i = 0; i < 2; i++) expectError(await verify(next, wrong), 401, 'invalid_code');
    expect((await verify(next, await sample.code(secret))).headers['retry-after']).toBe('30');
  });

  it('a success before the budget is used up resets the count', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '3' }, { clock: true });
    const secret = await enrolled();
    const wrong = await wrongCode(secret);
    const first = await passwordOnly();
    for (let i = 0; i < 2; i++) expectError(await verify(first, wrong), 401, 'invalid_code');
    expect((await verify(first, await sample.code(secret))).status).toBe(200);
    sample.clock!.advance(30_000);
    const second = await passwordOnly();
    for (let i = 0; i < 2; i++) expectError(await verify(second, wrong), 401, 'invalid_code');
    expect((await verify(second, await sample.code(secret))).status).toBe(200);
  });

  it('a reused code counts as a failure (replay), and so do wrong step-up codes', async () => {
    await sample.start({ MFA_MAX_ATTEMPTS: '3' }, { clock: true });
    const secret = await enrolled();
    const code = await sample.code(secret);
    const first = await passwordOnly();
    expect((await verify(first, code)).status).toBe(200);
    const second = await passwordOnly();
    expectError(await verify(second, code), 401, 'invalid_code');
    expectError(await first.post('/api/auth/mfa/step-up', { code: await wrongCode(secret) }), 401, 'invalid_code');
    expectError(await first.post('/api/auth/mfa/step-up', { code: await wrongCode(secret) }), 401, 'invalid_code');
    // The next step's right code (the clock moves just past the step edge, well inside the lock).
    sample.clock!.advance(16_000);
    expectError(await verify(second, await sample.code(secret)), 429, 'locked');
  });
});
