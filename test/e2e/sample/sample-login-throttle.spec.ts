import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Response } from 'supertest';
import type { BrowserClient } from '../../support/http-client.js';
import { connectTestRedis, STORES } from '../../support/stores.js';
import { ALICE, BOB, expectError, perTestHarness, sessionCookie, type SampleHarness } from './sample-harness.js';

/** Small limits so counting needs no waiting. */
const LIMITS = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '5' };
const WINDOW_SECONDS = 900;

function attempt(client: BrowserClient, username: string, password: string, ip: string): Promise<Response> {
  return client.post('/api/auth/login', { username, password }, { 'X-Forwarded-For': ip });
}

function expectThrottled(res: Response): void {
  expectError(res, 429, 'throttled');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(sessionCookie(res)).toBeUndefined();
}

describe.each(STORES)('T13 sample: password login throttling per account and per IP on $name', (store) => {
  const harness = perTestHarness(store, 'sample-throttle');
  let sample: SampleHarness;
  beforeEach(async () => {
    sample = harness();
    await sample.start(LIMITS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('per account: after 3 failures (from 3 IPs) even the right password is 429 throttled with Retry-After; bob is not affected', async () => {
    const client = sample.client();
    const signedIn = sample.client();
    expect((await attempt(signedIn, ALICE.username, ALICE.password, '192.0.2.9')).status).toBe(200);
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      expectError(await attempt(client, 'alice', 'wrong-password', ip), 401, 'invalid_credentials');
    }
    expectThrottled(await attempt(client, 'alice', 'wrong-password', '203.0.113.4'));
    expectThrottled(await attempt(client, ALICE.username, ALICE.password, '203.0.113.5'));
    expect((await attempt(client, BOB.username, BOB.password, '203.0.113.5')).status).toBe(200);
    // A session from before keeps working: throttling concerns new password attempts only.
    expect((await signedIn.get('/api/me')).status).toBe(200);
  });

  it('per IP: 5 failures on any usernames, unknown ones included, throttle that IP for everyone; other IPs log in', async () => {
    const client = sample.client();
    const ip = '198.51.100.7';
    for (const username of ['alice', 'bob', 'mallory', 'trent', 'nobody-at-all']) {
      expectError(await attempt(client, username, 'guess', ip), 401, 'invalid_credentials');
    }
    expectThrottled(await attempt(client, 'victor', 'guess', ip));
    expectThrottled(await attempt(client, BOB.username, BOB.password, ip));
    expect((await attempt(client, BOB.username, BOB.password, '198.51.100.8')).status).toBe(200);
  });

  it('unknown users count like wrong passwords on their own account counter too', async () => {
    const client = sample.client();
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      expectError(await attempt(client, 'mallory', 'guess', ip), 401, 'invalid_credentials');
    }
    expectThrottled(await attempt(client, 'mallory', 'guess', '203.0.113.4'));
  });

  it('IPv6 clients are counted by their /64', async () => {
    const client = sample.client();
    for (let i = 1; i <= 5; i++) {
      expectError(await attempt(client, `user${i}`, 'guess', `2001:db8:1:2::${i}`), 401, 'invalid_credentials');
    }
    expectThrottled(await attempt(client, 'user6', 'guess', '2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expectError(await attempt(client, 'user6', 'guess', '2001:db8:1:3::1'), 401, 'invalid_credentials');
  });

  it('successful logins are never throttled and do not use up the budget', async () => {
    const client = sample.client();
    const ip = '192.0.2.10';
    for (let i = 0; i < 12; i++) expect((await attempt(client, ALICE.username, ALICE.password, ip)).status).toBe(200);
    for (let i = 0; i < 2; i++) expectError(await attempt(client, 'alice', 'typo', ip), 401, 'invalid_credentials');
    for (let i = 0; i < 12; i++) expect((await attempt(client, ALICE.username, ALICE.password, ip)).status).toBe(200);
    expectError(await attempt(client, 'alice', 'typo', ip), 401, 'invalid_credentials');
    expectThrottled(await attempt(client, 'alice', 'typo', ip));
  });

  it('malformed logins are 400 and do not count', async () => {
    const client = sample.client();
    for (let i = 0; i < 10; i++) {
      expectError(
        await client.post('/api/auth/login', { username: 'alice' }, { 'X-Forwarded-For': '192.0.2.11' }),
        400,
        'invalid_request',
      );
    }
    expect((await attempt(client, ALICE.username, ALICE.password, '192.0.2.11')).status).toBe(200);
  });

  it('parallel wrong passwords cannot overtake the limit: of 12 at once, exactly 3 are checked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(sample.client(), 'alice', `guess-${i}`, `203.0.113.${i + 1}`)),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
  });

  it.skipIf(store.name !== 'memory')(
    'the window ends: 15 minutes after the first failure the account logs in again',
    async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const client = sample.client();
      for (let i = 0; i < 3; i++) await attempt(client, 'alice', 'typo', '192.0.2.12');
      vi.setSystemTime(Date.now() + 10 * 60_000);
      const throttled = await attempt(client, ALICE.username, ALICE.password, '192.0.2.12');
      expectThrottled(throttled);
      expect(Number(throttled.headers['retry-after'])).toBe(300);
      vi.setSystemTime(Date.now() + 5 * 60_000);
      expect((await attempt(client, ALICE.username, ALICE.password, '192.0.2.12')).status).toBe(200);
    },
  );

  it.skipIf(store.name !== 'redis')(
    'Redis: counters are shared by app instances, under hash-tagged keys that expire',
    async () => {
      const other = sample.client(await sample.startAnother());
      const client = sample.client();
      expectError(await attempt(client, 'alice', 'typo', '203.0.113.1'), 401, 'invalid_credentials');
      expectError(await attempt(other, 'alice', 'typo', '203.0.113.2'), 401, 'invalid_credentials');
      expectError(await attempt(client, 'alice', 'typo', '203.0.113.3'), 401, 'invalid_credentials');
      expectThrottled(await attempt(other, ALICE.username, ALICE.password, '203.0.113.4'));

      const redis = await connectTestRedis();
      try {
        const account = `${sample.prefix}login:{a:alice}:failures`;
        expect(await redis.get(account)).toBe('3');
        const ttl = await redis.pTTL(account);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1_000);
        expect(await redis.get(`${sample.prefix}login:{ip:203.0.113.2}:failures`)).toBe('1');
        expect(await redis.pTTL(`${sample.prefix}login:{ip:203.0.113.2}:failures`)).toBeGreaterThan(0);
        // Settled attempts hold no slot: the in-flight sets are empty (and so gone).
        expect(await redis.exists(`${sample.prefix}login:{a:alice}:in-flight`)).toBe(0);
      } finally {
        await redis.close();
      }
    },
  );
});
