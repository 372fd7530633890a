import { describe, expect, it } from 'vitest';
import { STORES } from '../../support/stores.js';
import { ALICE, expectError, perTestHarness, sessionCookie } from './sample-harness.js';

/**
 * Issue #12 (2): JSON lets a body carry a lone UTF-16 surrogate (`"\ud800"`). Such a username
 * used to reach `encodeURIComponent` in the login throttle's key and answer 500. It is no text
 * a person typed: 400 at the edge, counted nowhere, and the real user is untouched.
 */
describe.each(STORES)('sample: usernames that are not well-formed Unicode on $name', (store) => {
  const harness = perTestHarness(store, 'sample-bad-username');

  it.each(['\ud800', 'alice\udfff', '\udc00abc', '\udbff\udbff', 'ali\ud800ce'])('username %j is 400 invalid_request, never 500', async (username) => {
    const sample = harness();
    await sample.start({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    const client = sample.client();
    const res = await client.post('/api/auth/login', { username, password: 'x' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.message).toMatch(/username.*well-formed/);
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('a lone surrogate in the password is 400 as well, and none of these attempts counts against alice', async () => {
    const sample = harness();
    await sample.start({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '3' });
    const client = sample.client();
    for (let i = 0; i < 5; i++) {
      expectError(await client.post('/api/auth/login', { username: 'alice', password: `pw\ud800${i}` }), 400, 'invalid_request');
      expectError(await client.post('/api/auth/login', { username: `alice\udfff`, password: ALICE.password }), 400, 'invalid_request');
    }
    expect((await client.post('/api/auth/login', { username: ALICE.username, password: ALICE.password })).status).toBe(200);
  });
});
