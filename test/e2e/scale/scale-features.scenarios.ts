import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keySegment } from '../../../lib/index.js';
import { RedisSessionStore } from '../../../lib/redis.js';
import { RedisThrottleCounters } from '../../../sample/auth/redis-throttle-counters.js';
import { CHROME_ANDROID, COOKIE, DevicesHarness, type RunningMfaApp, SAFARI_IPHONE, startMfaApp } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { sessionCookies } from '../../support/session-cookie.js';
import { uniquePrefix, type StoreUnderTest } from '../../support/stores.js';
import { sameBrowserOn } from './scale.scenarios.js';

/**
 * Every feature that keeps state in Redis, on a Cluster or a Sentinel-managed master: the
 * device index (`devices:{u:<id>}:...`), MFA replay and attempt state (`mfa:{u:<id>}:...`),
 * rotation forward records (`rotated:<key>`) and the sample's login throttle keys
 * (`login:{a:...}`, `login:{ip:...}`). Registered inside the Cluster and the Sentinel suites,
 * whose beforeAll starts the servers `under()` points at.
 */
export function describeFeaturesOn(
  under: () => StoreUnderTest,
  redisOptions: () => ConstructorParameters<typeof RedisSessionStore>[0],
): void {
  describe('T17 devices on two app instances', () => {
    let one: DevicesHarness;
    let two: DevicesHarness;
    beforeAll(async () => {
      one = await DevicesHarness.start(under());
      two = await DevicesHarness.start(under(), {}, one);
    });
    afterAll(async () => {
      await two?.close();
      await one?.close();
    });

    it('lists every session of the user on either instance; revoke on one is refused on the other at once', async () => {
      const user = 'scale-devices';
      const laptop = await one.loggedIn(user);
      const phone = await two.loggedIn(user, SAFARI_IPHONE);
      const tablet = await two.loggedIn(user, CHROME_ANDROID);
      const rows = await one.list(laptop);
      expect(rows.map((row) => row.userAgent).sort()).toEqual([laptop.userAgent, SAFARI_IPHONE, CHROME_ANDROID].sort());
      expect(await two.list(phone)).toHaveLength(3);

      // One device, revoked through instance one: the phone is refused on both instances at once.
      const phoneId = rows.find((row) => row.userAgent === SAFARI_IPHONE)!.id;
      expect((await laptop.delete(`/api/sessions/${phoneId}`)).status).toBe(204);
      expect((await phone.get('/me')).status).toBe(401);
      expect((await phone.on(one.app).get('/me')).status).toBe(401);
      expect((await tablet.get('/me')).status).toBe(200);

      // Sign out the other devices, from instance two.
      expect((await laptop.on(two.app).post('/api/sessions/revoke-others')).status).toBe(204);
      expect((await tablet.get('/me')).status).toBe(401);
      expect((await one.list(laptop)).map((row) => row.current)).toEqual([true]);

      // Log out everywhere (admin), on instance two: the laptop is refused on instance one.
      expect((await two.browser().post(`/admin/users/${user}/revoke-all`)).body).toEqual({ revoked: 1 });
      expect((await laptop.get('/me')).status).toBe(401);
      expect(await one.index().list(user, Date.now())).toEqual([]);
    });

    it('a session ID change (MFA completion, regenerate) moves the index entry; the handle stays', async () => {
      const user = 'scale-move';
      await one.enrollMfa(user);
      const browser = await one.loggedIn(user);
      expect((await one.verifyMfa(browser, user)).status).toBe(200);
      const before = (await one.list(browser))[0]!;
      expect(before).toMatchObject({ current: true, mfa: true });
      const onTwo = browser.on(two.app);
      expect((await onTwo.post('/rotate')).status).toBe(204);
      expect(onTwo.cookie(COOKIE)).not.toBe(browser.cookie(COOKIE));
      expect(await two.list(onTwo)).toEqual([expect.objectContaining({ id: before.id, current: true })]);
      // The ID it left is dead on both instances.
      expect((await browser.get('/me')).status).toBe(401);
    });
  });

  describe('T18 session limits across instances', () => {
    let limited: DevicesHarness;
    let other: DevicesHarness;
    afterEach(async () => {
      await other?.close();
      await limited?.close();
    });

    it('reject: the limit counts the sessions of every instance', async () => {
      const reject = { maxSessionsPerUser: 2, sessionLimitPolicy: 'reject' as const };
      limited = await DevicesHarness.start(under(), reject);
      other = await DevicesHarness.start(under(), reject, limited);
      await limited.loggedIn('scale-limit');
      await other.loggedIn('scale-limit');
      const refused = await limited.browser().post('/login', { user: 'scale-limit' });
      expect([refused.status, refused.body.error]).toEqual([409, 'session_limit']);
      expect((await other.browser().post('/login', { user: 'scale-limit' })).status).toBe(409);
    });

    it('evict-oldest: the oldest session is signed out wherever it is used', async () => {
      const evict = { maxSessionsPerUser: 2, sessionLimitPolicy: 'evict-oldest' as const };
      limited = await DevicesHarness.start(under(), evict);
      other = await DevicesHarness.start(under(), evict, limited);
      const first = await limited.loggedIn('scale-evict');
      const second = await other.loggedIn('scale-evict');
      const third = await limited.loggedIn('scale-evict');
      expect((await first.on(other.app).get('/me')).status).toBe(401);
      expect((await second.get('/me')).status).toBe(200);
      expect((await third.on(other.app).get('/me')).status).toBe(200);
      expect(await limited.list(third)).toHaveLength(2);
    });
  });

  describe('T12/T13 MFA state', () => {
    let running: RunningMfaApp;
    beforeAll(async () => {
      running = await startMfaApp(under());
    });
    afterAll(() => running?.close());

    it('a code works once across instances, the replay is refused', async () => {
      const { secret } = await running.seed('scale-replay');
      const second = await running.secondInstance();
      const code = await running.code(secret);
      const first = await running.passwordOnly('scale-replay');
      expect((await first.post('/mfa/verify', { code })).status).toBe(200);
      expect((await first.get('/me')).body).toMatchObject({ userId: 'scale-replay', mfa: 'verified' });
      const elsewhere = sameBrowserOn(second, await running.passwordOnly('scale-replay'));
      const replay = await elsewhere.post('/mfa/verify', { code });
      expect([replay.status, replay.body.error]).toEqual([401, 'invalid_code']);
      expect(running.mfaEvents('scale-replay').map((e) => e.outcome)).toEqual(['enrolled', 'verified', 'replay_refused']);
    });

    it('5 wrong codes lock the account (429 even for the right code); the lock ends, a success resets', async () => {
      const { secret } = await running.seed('scale-lock');
      const valid = new Set(await Promise.all([-2, -1, 0, 1, 2].map((offset) => running.code(secret, offset))));
      const wrong = ['000000', '111111', '222222', '333333', '444444', '555555', '666666'].filter((c) => !valid.has(c));
      const statuses: number[] = [];
      for (const code of wrong.slice(0, 5)) {
        statuses.push((await (await running.passwordOnly('scale-lock')).post('/mfa/verify', { code })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const browser = await running.passwordOnly('scale-lock');
      const locked = await browser.post('/mfa/verify', { code: await running.code(secret) });
      expect([locked.status, locked.body.error, locked.headers['retry-after']]).toEqual([429, 'locked', '30']);
      running.clock.advance(30_000);
      const after = await running.passwordOnly('scale-lock');
      expect((await after.post('/mfa/verify', { code: await running.code(secret) })).status).toBe(200);
      expect(running.mfaEvents('scale-lock').map((e) => e.outcome)).toContain('locked');
    });

    it('a recovery code completes the login step once; enrolment through the routes takes the per-user lock', async () => {
      const { recoveryCodes } = await running.enroll('scale-recovery');
      const browser = await running.passwordOnly('scale-recovery');
      expect((await browser.post('/mfa/recovery', { code: recoveryCodes[0] })).status).toBe(200);
      expect((await browser.get('/me')).body).toMatchObject({ userId: 'scale-recovery', mfa: 'verified' });
      const second = await running.passwordOnly('scale-recovery');
      const again = await second.post('/mfa/recovery', { code: recoveryCodes[0] });
      expect([again.status, again.body.error]).toEqual([401, 'invalid_code']);
      expect(running.mfaSecrets.enrollments.get('scale-recovery')!.recoveryCodes).toHaveLength(9);
    });
  });

  describe('CS-14 ID rotation with its forward records', () => {
    const ROTATE = 15 * 60_000;
    const GRACE = 10_000;
    let one: DevicesHarness;
    let two: DevicesHarness;
    let clock: FakeClock | undefined;
    beforeAll(async () => {
      one = await DevicesHarness.start(under());
      two = await DevicesHarness.start(under(), {}, one);
    });
    afterEach(() => clock?.restore());
    afterAll(async () => {
      await two?.close();
      await one?.close();
    });

    it('rotates after rotateInterval; the old ID works on the other instance for the grace period, then is dead', async () => {
      clock = useFakeClock();
      const browser = await one.loggedIn('scale-rotate');
      const handle = (await browser.get('/me')).body.handle as string;
      const inFlight = browser.clone();
      clock.advance(ROTATE);
      const rotated = await browser.get('/me');
      expect(rotated.status).toBe(200);
      expect(sessionCookies(rotated)).toHaveLength(1);
      expect(browser.cookie(COOKIE)).not.toBe(inFlight.cookie(COOKIE));

      // The forward record (`rotated:<old key>`) serves the old ID the new session, on any instance.
      const late = await inFlight.on(two.app).get('/me');
      expect([late.status, late.body.handle]).toEqual([200, handle]);
      expect(sessionCookies(late)).toEqual([]);
      expect(await two.list(browser.on(two.app))).toEqual([expect.objectContaining({ id: handle, current: true })]);

      clock.advance(GRACE);
      expect((await inFlight.get('/me')).status).toBe(401);
      expect((await browser.on(two.app).get('/me')).status).toBe(200);
    });

    it('a logout with the old ID inside the grace period ends the new session too', async () => {
      clock = useFakeClock();
      const browser = await one.loggedIn('scale-rotate-logout');
      const oldTab = browser.clone();
      clock.advance(ROTATE);
      expect(sessionCookies(await browser.get('/me'))).toHaveLength(1);
      expect((await oldTab.on(two.app).post('/logout')).status).toBe(204);
      expect((await browser.get('/me')).status).toBe(401);
      expect(await one.index().list('scale-rotate-logout', Date.now())).toEqual([]);
    });
  });

  describe("the sample's login throttle counters", () => {
    const prefix = uniquePrefix('scale-throttle');
    let store: RedisSessionStore;
    beforeAll(async () => {
      store = new RedisSessionStore({ ...redisOptions(), prefix });
      await store.connect();
    });
    afterAll(() => store?.close());

    it('count failures per account and per network on their own hash-tagged keys, hold slots for attempts in flight, refuse over the limit', async () => {
      const counters = new RedisThrottleCounters(store.client, prefix);
      const account = `login:{a:${keySegment('mallory\ud800')}}`;
      const network = 'login:{ip:203.0.113.0/24}';
      for (const key of [account, network]) {
        expect(await counters.admit(key, 'a', 2, 10_000)).toEqual({ outcome: 'admitted', failures: 0 });
        expect(await counters.admit(key, 'b', 2, 10_000)).toEqual({ outcome: 'admitted', failures: 0 });
        // Two attempts in flight fill a budget of two: the third waits, it is not refused.
        expect(await counters.admit(key, 'c', 2, 10_000)).toEqual({ outcome: 'busy' });
        expect(await counters.settle(key, 'a', false, 60_000)).toBe(0);
        expect(await counters.admit(key, 'c', 2, 10_000)).toEqual({ outcome: 'admitted', failures: 0 });
        expect(await counters.settle(key, 'b', true, 60_000)).toBe(1);
        expect(await counters.settle(key, 'c', true, 60_000)).toBe(2);
        const refused = await counters.admit(key, 'd', 2, 10_000);
        expect(refused).toMatchObject({ outcome: 'throttled' });
        expect(refused.outcome === 'throttled' && refused.retryAfterMs).toBeGreaterThan(59_000);
      }
    });
  });
}
