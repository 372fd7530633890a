import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../../support/stores.js';
import { ALICE, APP_ORIGIN, expectError, login, SampleHarness, sessionCookie } from './sample-harness.js';

const CROSS_SITE = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };
const FOREIGN_ORIGIN = { Origin: 'https://evil.example' };
const SAME_SITE_OTHER_ORIGIN = { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.app.example.test' };
const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin', Origin: APP_ORIGIN };

describe.each(STORES)('T19 CSRF on the sample API on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-csrf');
  beforeEach(() => sample.start());
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  it.each([
    ['Sec-Fetch-Site: cross-site', CROSS_SITE],
    ['Sec-Fetch-Site: cross-site without Origin', { 'Sec-Fetch-Site': 'cross-site' }],
    ['a foreign Origin', FOREIGN_ORIGIN],
    ['Sec-Fetch-Site: same-site from another origin', SAME_SITE_OTHER_ORIGIN],
    ['Origin: null (sandboxed frame)', { Origin: 'null' }],
    ['APP_ORIGIN over another scheme', { Origin: 'http://app.example.test' }],
    ['a foreign Origin that says same-origin', { 'Sec-Fetch-Site': 'same-origin', Origin: 'https://evil.example' }],
  ])('refuses a login with %s: 403 csrf, no session', async (_label, headers) => {
    const res = await sample.client().post('/api/auth/login', { username: ALICE.username, password: ALICE.password }, headers);
    expectError(res, 403, 'csrf');
    expect(sessionCookie(res)).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('lets through a same-origin browser request and a request with neither header', async () => {
    const credentials = { username: ALICE.username, password: ALICE.password };
    const browser = await sample.client().post('/api/auth/login', credentials, SAME_ORIGIN);
    expect(browser.status).toBe(200);
    const originOnly = await sample.client().post('/api/auth/login', credentials, { Origin: APP_ORIGIN });
    expect(originOnly.status).toBe(200);
    expect((await login(sample.client(), ALICE)).status).toBe(200);
  });

  it('a refused logout changes nothing: the session lives on', async () => {
    const client = sample.client();
    await login(client, ALICE);
    for (const headers of [CROSS_SITE, FOREIGN_ORIGIN, SAME_SITE_OTHER_ORIGIN]) {
      const res = await client.post('/api/auth/logout', undefined, headers);
      expectError(res, 403, 'csrf');
      expect(res.headers['clear-site-data']).toBeUndefined();
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('a refused enrolment changes nothing: no enrolment is pending afterwards', async () => {
    const client = sample.client();
    await login(client, ALICE);
    expectError(await client.post('/api/mfa/enroll', undefined, CROSS_SITE), 403, 'csrf');
    const confirm = await client.post('/api/mfa/enroll/confirm', { code: '123456' });
    expect(confirm.status).toBe(400);
    expect(confirm.body.error).toBe('enrollment_not_started');
  });

  it('also guards DELETE (and any other unsafe method), not GET', async () => {
    const client = sample.client();
    await login(client, ALICE);
    expectError(await client.delete('/api/me', CROSS_SITE), 403, 'csrf');
    // A cross-site GET changes nothing, so it is not this check's business (SameSite=Lax keeps the cookie off it).
    expect((await client.get('/api/me', CROSS_SITE)).status).toBe(200);
  });
});
