import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../../support/stores.js';
import { ALICE, BOB, COOKIE, expectError, login, SampleHarness, sessionCookie } from './sample-harness.js';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(STORES)('sample API: login, /api/me, logout on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-api');
  beforeEach(() => sample.start());
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  it('logs alice in: 200 { user, mfa: "none" } and a session cookie with the dev-mode attributes', async () => {
    const res = await login(sample.client(), ALICE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: ALICE.id, username: 'alice' }, mfa: 'none' });
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    expect(cookie!.attributes).toMatchObject({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
    expect(cookie!.attributes['domain']).toBeUndefined();
  });

  it('issues a NEW session ID at every login; the previous one is dead', async () => {
    const client = sample.client();
    const first = await login(client, ALICE);
    const before = client.clone();
    const second = await login(client, BOB);
    expect(sessionCookie(second)!.value).not.toBe(sessionCookie(first)!.value);
    expectError(await before.get('/api/me'), 401, 'unauthenticated');
    expect((await client.get('/api/me')).body.user).toEqual({ id: BOB.id, username: 'bob', mfaEnrolled: false });
  });

  it('answers 401 invalid_credentials, the same for an unknown user and a wrong password, and sets no cookie', async () => {
    const wrongPassword = await login(sample.client(), { username: 'alice', password: 'bob-password' });
    const unknownUser = await login(sample.client(), { username: 'mallory', password: 'alice-password' });
    for (const res of [wrongPassword, unknownUser]) {
      expectError(res, 401, 'invalid_credentials');
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(unknownUser.body).toEqual(wrongPassword.body);
  });

  it('keeps the existing session when a login fails', async () => {
    const client = sample.client();
    await login(client, ALICE);
    expectError(await login(client, { username: 'alice', password: 'nope' }), 401, 'invalid_credentials');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('GET /api/me: the user (not enrolled in MFA) and the session with ISO timestamps; mfa false without a verified code', async () => {
    const client = sample.client();
    const before = Date.now();
    await login(client, ALICE);
    const res = await client.get('/api/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: ALICE.id, username: 'alice', mfaEnrolled: false },
      session: {
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        lastSeenAt: expect.stringMatching(ISO_TIMESTAMP),
        mfa: false,
      },
    });
    const createdAt = Date.parse(res.body.session.createdAt);
    expect(createdAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(createdAt).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(res.body.session.lastSeenAt)).toBeGreaterThanOrEqual(createdAt);
  });

  it('GET /api/me without a session: 401 unauthenticated', async () => {
    expectError(await sample.client().get('/api/me'), 401, 'unauthenticated');
  });

  it('logout: 204, record destroyed, cookie expired with the same attributes, Clear-Site-Data, no-store', async () => {
    const client = sample.client();
    await login(client, ALICE);
    const stolen = client.clone();
    const res = await client.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(res.headers['cache-control']).toBe('no-store');
    const expired = sessionCookie(res)!;
    expect(expired.value).toBe('');
    expect(expired.attributes).toMatchObject({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
    expect(Date.parse(expired.attributes['expires'] as string)).toBeLessThanOrEqual(Date.now());
    expect(client.cookie(COOKIE)).toBeUndefined();
    expectError(await stolen.get('/api/me'), 401, 'unauthenticated');
  });

  it('logout without a session: 204 all the same', async () => {
    const res = await sample.client().post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
  });

  it('every /api response is Cache-Control: no-store, errors included', async () => {
    const client = sample.client();
    const responses = [
      await client.get('/api/me'),
      await login(client, { username: 'alice', password: 'wrong' }),
      await client.post('/api/auth/login', { username: 'alice' }),
      await client.post('/api/auth/login', {}, { 'Sec-Fetch-Site': 'cross-site' }),
      await client.get('/api/no-such-route'),
      await login(client, ALICE),
      await client.get('/api/me'),
      await client.post('/api/auth/logout'),
    ];
    expect(responses.map((res) => res.status)).toEqual([401, 401, 400, 403, 404, 200, 200, 204]);
    for (const res of responses) expect(res.headers['cache-control']).toBe('no-store');
  });

  it('an unknown route is a JSON 404, not an HTML page', async () => {
    expectError(await sample.client().get('/api/nothing-here'), 404, 'not_found');
    expectError(await sample.client().post('/api/me'), 404, 'not_found');
  });
});
