import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, DatabaseLikeMfaSecrets, type RunningMfaApp, secretOf, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

const BASE32 = /^[A-Z2-7]+$/;
const STEP_UP_STALE = 5 * 60_000 + 60_000;

function base32Bytes(text: string): number {
  return Math.floor((text.length * 5) / 8);
}

describe.each(STORES)('T15 enrolment URI and secret on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('the otpauth URI: otpauth://totp/Issuer:account?secret=<base32, no padding, >= 20 bytes>&issuer=Issuer', async () => {
    const browser = await running.passwordOnly('alice@example.com');
    const res = await browser.post('/mfa/enroll');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['otpauthUrl', 'qrDataUrl']);
    const uri = new URL(res.body.otpauthUrl);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Test:alice@example.com');
    expect(uri.searchParams.get('issuer')).toBe('Test');
    const secret = uri.searchParams.get('secret')!;
    expect(secret).toMatch(BASE32);
    expect(base32Bytes(secret)).toBeGreaterThanOrEqual(20);
    for (const [name, value] of [['algorithm', 'SHA1'], ['digits', '6'], ['period', '30']] as const) {
      const given = uri.searchParams.get(name);
      if (given !== null) expect(given).toBe(value);
    }
    expect(res.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
  });

  it('secrets are unique per user and per enrolment', async () => {
    const secrets: string[] = [];
    for (const user of ['u-one', 'u-two', 'u-three']) {
      const browser = await running.passwordOnly(user);
      secrets.push(secretOf((await browser.post('/mfa/enroll')).body.otpauthUrl));
      secrets.push(secretOf((await browser.post('/mfa/enroll')).body.otpauthUrl));
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('a wrong code at confirm is 400 invalid_code and the pending enrolment stays', async () => {
    const browser = await running.passwordOnly('u-wrong-confirm');
    const secret = secretOf((await browser.post('/mfa/enroll')).body.otpauthUrl);
    const wrong = (await running.code(secret)) === '000000' ? '111111' : '000000';
    const res = await browser.post('/mfa/enroll/confirm', { code: wrong });
    expect([res.status, res.body.error]).toEqual([400, 'invalid_code']);
    expect((await browser.post('/mfa/enroll/confirm', { code: await running.code(secret) })).status).toBe(200);
  });

  it('the secret is encrypted at rest: the app stores v1.<keyId>... and never the Base32 secret', async () => {
    const { secret, recoveryCodes } = await running.enroll('u-at-rest');
    const stored = running.mfaSecrets.enrollments.get('u-at-rest')!;
    expect(stored.secret).toMatch(/^v1\.test1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const dump = JSON.stringify(stored);
    expect(dump).not.toContain(secret);
    for (const code of recoveryCodes) expect(dump).not.toContain(code);
  });

  it('the pending secret in the session record is encrypted too', async () => {
    const browser = await running.passwordOnly('u-pending');
    const secret = secretOf((await browser.post('/mfa/enroll')).body.otpauthUrl);
    const record = await running.store.get(running.storageKey(browser.cookie(COOKIE)!));
    const pending = record?.['mfaEnrollment'] as { secret: string } | undefined;
    expect(pending?.secret).toMatch(/^v1\.test1\./);
    expect(JSON.stringify(record)).not.toContain(secret);
    if (running.redis) {
      // Raw bytes in Redis: no key under the prefix holds the secret.
      for await (const keys of running.redis.scanIterator({ MATCH: `${running.prefix}*` })) {
        for (const key of keys) {
          if ((await running.redis.type(key)) !== 'string') continue;
          expect(await running.redis.get(key)).not.toContain(secret);
        }
      }
    }
  });

  it('never re-exposed: confirm returns only recovery codes; no route returns the secret; re-enrolling needs step-up', async () => {
    const { secret, browser } = await running.enroll('u-never');
    const responses = [
      await browser.get('/me'),
      await browser.get('/account/settings'),
      await browser.post('/mfa/recovery-codes'),
    ];
    const login = running.browser();
    responses.push(await login.post('/login', { user: 'u-never' }));
    responses.push(await login.post('/mfa/verify', { code: await running.code(secret) }));
    for (const res of responses) {
      expect(res.status).toBeLessThan(300);
      expect(res.text).not.toContain(secret);
      expect(JSON.stringify(res.headers)).not.toContain(secret);
    }
    running.clock.advance(STEP_UP_STALE);
    const again = await login.post('/mfa/enroll');
    expect([again.status, again.body.error]).toEqual([403, 'step_up_required']);
    expect(again.text).not.toContain(secret);
    // After step-up, re-enrolment gives a NEW secret, never the old one.
    expect((await login.post('/mfa/step-up', { code: await running.code(secret) })).status).toBe(200);
    const fresh = await login.post('/mfa/enroll');
    expect(fresh.status).toBe(200);
    expect(secretOf(fresh.body.otpauthUrl)).not.toBe(secret);
  });
});

describe.each(STORES)('T15 encryption key rotation on $name', (under) => {
  const table = new DatabaseLikeMfaSecrets();
  const oldKey = { id: 'old', key: randomBytes(32) };
  const newKey = { id: 'new', key: randomBytes(32) };

  async function verifyWith(keys: Array<typeof oldKey>, secret: string) {
    const running = await startMfaApp(under, { secretStore: table, encryptionKeys: keys });
    try {
      return await (await running.passwordOnly('rot')).post('/mfa/verify', { code: await running.code(secret) });
    } finally {
      await running.close();
    }
  }

  it('a secret under an old key still verifies and is re-encrypted under the first key; a dropped key is a clear 500', async () => {
    const first = await startMfaApp(under, { secretStore: table, encryptionKeys: [oldKey] });
    const { secret } = await first.seed('rot');
    await first.close();
    expect(table.enrollments.get('rot')!.secret).toMatch(/^v1\.old\./);

    expect((await verifyWith([newKey, oldKey], secret)).status).toBe(200);
    expect(table.enrollments.get('rot')!.secret).toMatch(/^v1\.new\./);
    expect((await verifyWith([newKey], secret)).status).toBe(200);

    const unreadable = await verifyWith([oldKey], secret);
    expect([unreadable.status, unreadable.body.error]).toEqual([500, 'mfa_secret_unreadable']);
    expect(unreadable.text).not.toContain(secret);
  });
});
