import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

const SHAPE = /^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/;

describe.each(STORES)('MFA recovery codes on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('enrolment confirm returns 10 distinct codes, stored only as hashes', async () => {
    const { recoveryCodes } = await running.enroll('rc-enrol');
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(SHAPE);
    const stored = running.mfaSecrets.enrollments.get('rc-enrol')!;
    expect(stored.recoveryCodes).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('a recovery code completes the login step under a new session ID, once', async () => {
    const { recoveryCodes } = await running.seed('rc-login');
    const browser = await running.passwordOnly('rc-login');
    const before = browser.cookie(COOKIE);
    // People type codes in capitals and without hyphens.
    const res = await browser.post('/mfa/recovery', { code: recoveryCodes[3]!.toUpperCase().replace(/-/g, '') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mfa: 'verified' });
    expect(browser.cookie(COOKIE)).not.toBe(before);
    expect((await browser.get('/me')).body).toMatchObject({ userId: 'rc-login', mfa: 'verified' });
    expect(running.mfaSecrets.enrollments.get('rc-login')!.recoveryCodes).toHaveLength(9);

    const again = await running.passwordOnly('rc-login');
    const reuse = await again.post('/mfa/recovery', { code: recoveryCodes[3] });
    expect([reuse.status, reuse.body.error]).toEqual([401, 'invalid_code']);
    const used = running.mfaEvents('rc-login').filter((e) => e.outcome === 'recovery_code_used');
    expect(used).toEqual([expect.objectContaining({ method: 'recovery_code', recoveryCodesLeft: 9, purpose: 'login' })]);
  });

  it('10 parallel uses of one code: exactly one succeeds', async () => {
    const { recoveryCodes } = await running.seed('rc-race');
    const browsers = await Promise.all(Array.from({ length: 10 }, () => running.passwordOnly('rc-race')));
    const results = await Promise.all(browsers.map((b) => b.post('/mfa/recovery', { code: recoveryCodes[0] })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(running.mfaSecrets.enrollments.get('rc-race')!.recoveryCodes).toHaveLength(9);
  });

  it('parallel uses of different codes all succeed and all are spent (no lost update)', async () => {
    const { recoveryCodes } = await running.seed('rc-many');
    const browsers = await Promise.all(Array.from({ length: 4 }, () => running.passwordOnly('rc-many')));
    const results = await Promise.all(browsers.map((b, i) => b.post('/mfa/recovery', { code: recoveryCodes[i] })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(running.mfaSecrets.enrollments.get('rc-many')!.recoveryCodes).toHaveLength(6);
    for (const code of recoveryCodes.slice(0, 4)) {
      expect((await (await running.passwordOnly('rc-many')).post('/mfa/recovery', { code })).status).toBe(401);
    }
  });

  it('regeneration (after a recent MFA verification): a new set of 10; the old set dies', async () => {
    const { secret, recoveryCodes: old } = await running.seed('rc-regen');
    const browser = await running.fullyLoggedIn('rc-regen', secret);
    const res = await browser.post('/mfa/recovery-codes');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['recoveryCodes']);
    const fresh = res.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    expect((await (await running.passwordOnly('rc-regen')).post('/mfa/recovery', { code: old[0] })).status).toBe(401);
    expect((await (await running.passwordOnly('rc-regen')).post('/mfa/recovery', { code: fresh[0] })).status).toBe(200);
    expect(running.mfaEvents('rc-regen').some((e) => e.outcome === 'recovery_codes_regenerated')).toBe(true);
  });

  it('refuses a wrong shape (400 invalid_request) and a session not waiting for MFA (400 mfa_not_pending)', async () => {
    const { secret, recoveryCodes } = await running.seed('rc-shape');
    const pending = await running.passwordOnly('rc-shape');
    for (const code of ['123456', 'abc', 42, null]) {
      const res = await pending.post('/mfa/recovery', { code });
      expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
    }
    const done = await running.fullyLoggedIn('rc-shape', secret);
    const res = await done.post('/mfa/recovery', { code: recoveryCodes[0] });
    expect([res.status, res.body.error]).toEqual([400, 'mfa_not_pending']);
    const anonymous = await running.browser().post('/mfa/recovery', { code: recoveryCodes[0] });
    expect(anonymous.status).toBe(401);
    expect(running.mfaSecrets.enrollments.get('rc-shape')!.recoveryCodes).toHaveLength(10);
  });

  it('a user without MFA has no recovery codes to use or regenerate', async () => {
    const browser = await running.passwordOnly('rc-none');
    const res = await browser.post('/mfa/recovery-codes');
    expect([res.status, res.body.error]).toEqual([400, 'mfa_not_enrolled']);
  });
});
