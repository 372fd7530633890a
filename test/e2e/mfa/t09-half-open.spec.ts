import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMfaApp, startMfaApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('T09 half-open session on $name', (under) => {
  let running: RunningMfaApp;
  beforeAll(async () => {
    running = await startMfaApp(under);
  });
  afterAll(() => running.close());

  it('a password-only session reaches nothing but the MFA step and logout', async () => {
    await running.seed('t09');
    const browser = await running.passwordOnly('t09');
    const fenced: Array<[string, () => ReturnType<typeof browser.get>]> = [
      ['GET /me', () => browser.get('/me')],
      ['POST /mfa/enroll', () => browser.post('/mfa/enroll')],
      ['POST /mfa/enroll/confirm', () => browser.post('/mfa/enroll/confirm', { code: '123456' })],
      ['POST /mfa/step-up', () => browser.post('/mfa/step-up', { code: '123456' })],
      ['POST /mfa/recovery-codes', () => browser.post('/mfa/recovery-codes')],
      ['DELETE /mfa', () => browser.delete('/mfa')],
      ['POST /account/sensitive', () => browser.post('/account/sensitive')],
      ['GET /account/settings', () => browser.get('/account/settings')],
    ];
    for (const [route, send] of fenced) {
      const res = await send();
      expect([route, res.status, res.body.error]).toEqual([route, 403, 'mfa_required']);
    }
    // The MFA step itself answers (here: a malformed code is a 400, not a fence).
    expect((await browser.post('/mfa/verify', { code: 'nope' })).status).toBe(400);
    expect((await browser.post('/mfa/recovery', { code: 'nope' })).status).toBe(400);
    expect((await browser.post('/logout')).status).toBe(204);
  });

  it('an anonymous request gets 401 on the MFA step', async () => {
    const res = await running.browser().post('/mfa/verify', { code: '123456' });
    expect([res.status, res.body.error]).toEqual([401, 'unauthenticated']);
  });
});
