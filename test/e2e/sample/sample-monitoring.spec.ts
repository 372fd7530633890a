import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { greatCircleKm } from '../../../lib/index.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import { ALICE, BOB, expectError, login, perTestHarness, type SampleHarness } from './sample-harness.js';

const GEOIP_DB = join(import.meta.dirname, '../../fixtures/geoip/GeoLite2-City-Test.mmdb');

const LONDON = '81.2.69.142';
const BOXFORD = '2.125.160.217';
const LINKOPING = '89.160.20.115';
const CHANGCHUN = '175.16.199.5';
const SAN_DIEGO_V6 = '2001:480::1';
const MILTON = '216.160.83.58';
/** A country-only record (CZ, radius 100 km), 1032 km from London: beyond 1000 km, not once both radii are subtracted. */
const CZECHIA_V6 = '2a02:d280::1';

const POINTS = {
  London: { lat: 51.5142, lon: -0.0931 },
  Changchun: { lat: 43.88, lon: 125.3228 },
};

const from = (ip: string) => ({ 'x-forwarded-for': ip });

async function events(client: BrowserClient): Promise<Array<{ type: string; detail: Record<string, unknown> | null; location: unknown; ip: string | null }>> {
  const res = await client.get('/api/security/events');
  expect(res.status).toBe(200);
  return res.body;
}

const anomalies = async (client: BrowserClient) => (await events(client)).filter((e) => e.type.startsWith('anomaly.'));

describe.each(STORES)('sample: session monitoring on $name', (store) => {
  const harness = perTestHarness(store, 'sample-monitoring');
  let sample: SampleHarness;

  async function start(action?: 'report' | 'step-up' | 'end', env: NodeJS.ProcessEnv = {}): Promise<void> {
    sample = harness();
    await sample.start(
      { GEOIP_DB, TRUST_PROXY: '1', ...(action ? { ANOMALY_LOCATION_ACTION: action } : {}), ...env },
      { clock: true },
    );
  }

  async function loggedIn(user: { username: string; password: string }, ip: string): Promise<BrowserClient> {
    const client = sample.client();
    const res = await client.post('/api/auth/login', { username: user.username, password: user.password }, from(ip));
    expect(res.status).toBe(200);
    return client;
  }

  describe('done-when', () => {
    beforeEach(() => start('report'));

    it('a session that moves London -> Changchun shows anomaly.location_jump with both cities and the great-circle distance (within 1 %)', async () => {
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);
      expect((await client.get('/api/me', from(CHANGCHUN))).status).toBe(200);
      const jumps = (await anomalies(client)).filter((e) => e.type === 'anomaly.location_jump');
      expect(jumps).toHaveLength(1);
      const detail = jumps[0]!.detail!;
      expect(detail['from']).toEqual({ country: 'GB', city: 'London' });
      expect(detail['to']).toEqual({ country: 'CN', city: 'Changchun' });
      expect(detail['action']).toBe('report');
      const expected = greatCircleKm(POINTS.London, POINTS.Changchun);
      expect(Math.abs((detail['distanceKm'] as number) - expected) / expected).toBeLessThan(0.01);
      expect(jumps[0]!.location).toEqual({ country: 'CN', city: 'Changchun' });
      // The IP is kept as its network, not the address.
      expect(jumps[0]!.ip).toBe('175.16.199.0/24');
    });

    it('London -> Boxford (84 km, radii 10 + 100) raises nothing', async () => {
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(BOXFORD))).status).toBe(200);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);
      expect(await anomalies(client)).toEqual([]);
      const log = await events(client);
      // The IP changes are reported by the binding check (binding.ip 'warn'), not as anomalies.
      expect(log.map((e) => e.type)).toEqual(['session.binding_mismatch', 'session.binding_mismatch', 'login']);
      expect(log[2]!.location).toEqual({ country: 'GB', city: 'London' });
      expect(log[1]!.location).toEqual({ country: 'GB', city: 'Boxford' });
    });

    it('GET /api/sessions carries each session\'s location', async () => {
      const client = await loggedIn(BOB, LONDON);
      await loggedIn(BOB, '10.0.0.1');
      const res = await client.get('/api/sessions', from(LONDON));
      expect(res.status).toBe(200);
      const locations = res.body.map((s: { location: unknown }) => s.location);
      expect(locations).toContainEqual({ country: 'GB', city: 'London' });
      expect(locations).toContainEqual(null);
    });
  });

  describe('ANOMALY_LOCATION_ACTION=step-up', () => {
    beforeEach(() => start('step-up'));

    it('an enrolled user\'s next guarded request answers 403 step_up_required until a code is verified again', async () => {
      const enrolling = await loggedIn(ALICE, LONDON);
      const { secret } = await sample.enrol(enrolling);
      const client = sample.client();
      await client.post('/api/auth/login', { username: ALICE.username, password: ALICE.password }, from(LONDON));
      expect((await client.post('/api/auth/mfa/verify', { code: await sample.code(secret) }, from(LONDON))).status).toBe(200);
      sample.clock!.advance(30_000);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);

      expectError(await client.get('/api/me', from(CHANGCHUN)), 403, 'step_up_required');
      expectError(await client.get('/api/sessions', from(CHANGCHUN)), 403, 'step_up_required');
      const stepUp = await client.post('/api/auth/mfa/step-up', { code: await sample.code(secret) }, from(CHANGCHUN));
      expect(stepUp.status).toBe(200);
      expect((await client.get('/api/me', from(CHANGCHUN))).status).toBe(200);
      const jump = (await anomalies(client)).find((e) => e.type === 'anomaly.location_jump');
      expect(jump?.detail?.['action']).toBe('step-up');
    });

    it('a user without MFA is logged out: 401', async () => {
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);
      expectError(await client.get('/api/me', from(CHANGCHUN)), 401, 'unauthenticated');
      expectError(await client.get('/api/me', from(LONDON)), 401, 'unauthenticated');
    });

    it('a login from the other side of the world an hour later is refused for a user without MFA (impossible travel)', async () => {
      await loggedIn(BOB, LONDON);
      const far = sample.client();
      expectError(await far.post('/api/auth/login', { username: BOB.username, password: BOB.password }, from(CHANGCHUN)), 401, 'unauthenticated');
      const witness = await loggedIn(BOB, '10.0.0.1');
      const types = (await anomalies(witness)).map((e) => e.type);
      expect(types).toContain('anomaly.impossible_travel');
    });

    it('London -> Boxford stays signed in', async () => {
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(BOXFORD))).status).toBe(200);
      expect((await client.get('/api/sessions', from(BOXFORD))).status).toBe(200);
    });
  });

  describe('ANOMALY_LOCATION_ACTION=end', () => {
    beforeEach(() => start('end'));

    it('ends the session that jumped, whatever MFA says', async () => {
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);
      expectError(await client.get('/api/me', from(LINKOPING)), 401, 'unauthenticated');
      // The refused jump did not become the user's last login: London signs in again without an alarm.
      const witness = await loggedIn(BOB, LONDON);
      const jump = (await anomalies(witness)).find((e) => e.type === 'anomaly.location_jump');
      expect(jump?.detail).toMatchObject({ action: 'end', from: { city: 'London' }, to: { city: 'Linköping' } });
    });
  });

  describe('rules (report)', () => {
    beforeEach(() => start('report'));

    it('two logins London -> Changchun within the hour: impossible travel and a location jump between logins', async () => {
      await loggedIn(BOB, LONDON);
      const far = await loggedIn(BOB, CHANGCHUN);
      const found = await anomalies(far);
      const travel = found.find((e) => e.type === 'anomaly.impossible_travel');
      expect(travel?.detail).toMatchObject({ code: 'impossible_travel_from_last_login', scope: 'login', from: { city: 'London' }, to: { city: 'Changchun' } });
      expect(travel!.detail!['speedKmh']).toBeGreaterThan(1000);
      expect(found.find((e) => e.type === 'anomaly.location_jump')?.detail).toMatchObject({ scope: 'login' });
    });

    it('IPv6: San Diego -> Milton (1674 km) is a jump', async () => {
      const client = await loggedIn(BOB, SAN_DIEGO_V6);
      expect((await client.get('/api/me', from(MILTON))).status).toBe(200);
      const jump = (await anomalies(client)).find((e) => e.type === 'anomaly.location_jump');
      expect(jump?.detail).toMatchObject({ from: { country: 'US', city: 'San Diego' }, to: { country: 'US', city: 'Milton' } });
    });

    it('a country-only record with its accuracy radius raises no false jump (London -> CZ, 1032 km, radii 10 + 100)', async () => {
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(CZECHIA_V6))).status).toBe(200);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);
      expect(await anomalies(client)).toEqual([]);
    });

    it('loopback and private addresses never raise anything, and do not erase the last known place', async () => {
      const client = await loggedIn(BOB, LONDON);
      for (const ip of ['127.0.0.1', '10.0.0.1', '192.168.1.7', '::1', 'fd00::1', 'fe80::1', '169.254.0.1']) {
        expect((await client.get('/api/me', from(ip))).status).toBe(200);
      }
      expect((await client.get('/api/me', from(BOXFORD))).status).toBe(200);
      expect(await anomalies(client)).toEqual([]);
      // London is still the session's last known place: a jump from there is still seen.
      expect((await client.get('/api/me', from('10.1.2.3'))).status).toBe(200);
      expect((await client.get('/api/me', from(CHANGCHUN))).status).toBe(200);
      expect((await anomalies(client)).map((e) => e.type)).toEqual(['anomaly.location_jump']);
    });

    it('a login from a browser family not used before is anomaly.new_device; the first login is not', async () => {
      const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
      const safari =
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
      const first = sample.client();
      await first.post('/api/auth/login', { username: BOB.username, password: BOB.password }, { ...from(LONDON), 'user-agent': firefox });
      const firstLog = await first.get('/api/security/events', { 'user-agent': firefox, ...from(LONDON) });
      expect(firstLog.body.map((e: { type: string }) => e.type)).toEqual(['login']);
      const again = sample.client();
      await again.post('/api/auth/login', { username: BOB.username, password: BOB.password }, { ...from(LONDON), 'user-agent': firefox.replace('128', '129') });
      const phone = sample.client();
      await phone.post('/api/auth/login', { username: BOB.username, password: BOB.password }, { ...from(LONDON), 'user-agent': safari });
      const res = await phone.get('/api/security/events', { 'user-agent': safari, ...from(LONDON) });
      expect(res.status).toBe(200);
      const found = res.body.filter((e: { type: string }) => e.type.startsWith('anomaly.'));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ type: 'anomaly.new_device', detail: { device: 'Safari on iOS', code: 'no_match' }, browser: 'Safari 17', os: 'iOS' });
    });

    it('the log has failed logins, logouts and revocations with place and device', async () => {
      const client = await loggedIn(BOB, LONDON);
      const other = await loggedIn(BOB, BOXFORD);
      expect((await sample.client().post('/api/auth/login', { username: BOB.username, password: 'wrong' }, from(LINKOPING))).status).toBe(401);
      expect((await client.post('/api/sessions/revoke-others', undefined, from(LONDON))).status).toBe(204);
      expect((await other.get('/api/me', from(BOXFORD))).status).toBe(401);
      const log = await events(client);
      const failed = log.find((e) => e.type === 'login_failed');
      expect(failed).toMatchObject({ location: { country: 'SE', city: 'Linköping' }, ip: '89.160.20.0/24', detail: { reason: 'invalid_credentials' } });
      expect(log.find((e) => e.type === 'session.revoked')).toMatchObject({ detail: { reason: 'revoke_others' } });
      expect((await client.post('/api/auth/logout', undefined, from(LONDON))).status).toBe(204);
      const witness = await loggedIn(BOB, LONDON);
      expect((await events(witness)).map((e) => e.type)).toContain('logout');
    });
  });

  describe('two app instances', () => {
    beforeEach(() => start('step-up'));

    it.runIf(store.name === 'redis')('a step-up demanded on one instance holds on the other, and both write one log', async () => {
      const second = await sample.startAnother();
      const client = await loggedIn(BOB, LONDON);
      expect((await client.get('/api/me', from(LONDON))).status).toBe(200);
      // The jump is seen by the second instance; bob has no MFA, so the session ends everywhere.
      const onSecond = sample.client(second);
      for (const [name, value] of client.jar) onSecond.jar.set(name, value);
      expectError(await onSecond.get('/api/me', from(CHANGCHUN)), 401, 'unauthenticated');
      expectError(await client.get('/api/me', from(LONDON)), 401, 'unauthenticated');
      // Logins on both instances share one history: the second instance sees the first's login.
      const far = sample.client(second);
      expectError(await far.post('/api/auth/login', { username: BOB.username, password: BOB.password }, from(CHANGCHUN)), 401, 'unauthenticated');
      const witness = await loggedIn(BOB, LONDON);
      const types = (await anomalies(witness)).map((e) => e.type);
      expect(types).toContain('anomaly.impossible_travel');
      expect(types).toContain('anomaly.location_jump');
    });
  });

  describe('two app instances, an enrolled user', () => {
    beforeEach(() => start('step-up'));

    it.runIf(store.name === 'redis')('a step-up demanded by one instance is enforced by the other, and lifted everywhere by one code', async () => {
      const second = await sample.startAnother({ sharedUsers: true });
      const { secret } = await sample.enrol(await loggedIn(ALICE, LONDON));
      const client = sample.client();
      await client.post('/api/auth/login', { username: ALICE.username, password: ALICE.password }, from(LONDON));
      expect((await client.post('/api/auth/mfa/verify', { code: await sample.code(secret) }, from(LONDON))).status).toBe(200);
      sample.clock!.advance(30_000);
      const onSecond = sample.client(second);
      const share = (a: BrowserClient, b: BrowserClient) => {
        for (const [name, value] of a.jar) b.jar.set(name, value);
      };
      share(client, onSecond);
      expectError(await onSecond.get('/api/me', from(CHANGCHUN)), 403, 'step_up_required');
      expectError(await client.get('/api/me', from(CHANGCHUN)), 403, 'step_up_required');
      expect((await onSecond.post('/api/auth/mfa/step-up', { code: await sample.code(secret) }, from(CHANGCHUN))).status).toBe(200);
      share(onSecond, client);
      expect((await client.get('/api/me', from(CHANGCHUN))).status).toBe(200);
      expect((await onSecond.get('/api/me', from(CHANGCHUN))).status).toBe(200);
    });
  });

  describe('forged and malformed input', () => {
    it('without TRUST_PROXY a forged X-Forwarded-For places nobody and raises nothing', async () => {
      sample = harness();
      await sample.start({ GEOIP_DB, TRUST_PROXY: '', ANOMALY_LOCATION_ACTION: 'end' });
      const client = sample.client();
      expect((await client.post('/api/auth/login', { username: BOB.username, password: BOB.password }, from(LONDON))).status).toBe(200);
      expect((await client.get('/api/me', from(CHANGCHUN))).status).toBe(200);
      const log = await events(client);
      expect(log.map((e) => e.type)).toEqual(['login']);
      expect(log[0]!.location).toBeNull();
    });

    it('a client-supplied hop in front of the proxy\'s is not the client IP (TRUST_PROXY=1 trusts one hop)', async () => {
      await start('end');
      const client = await loggedIn(BOB, LONDON);
      // The client forges "Changchun" in front; the trusted proxy appended the real London address.
      expect((await client.get('/api/me', from(`${CHANGCHUN}, ${LONDON}`))).status).toBe(200);
      expect(await anomalies(client)).toEqual([]);
    });

    it('junk in X-Forwarded-For or CDN headers is never a location, never a 500', async () => {
      await start('end');
      const client = await loggedIn(BOB, LONDON);
      // (NUL and other control characters cannot be sent in a header at all: Node refuses them.)
      const junk = ['not-an-ip', '999.1.1.1', '__proto__', '81.2.69.142 x', ' , ,', 'x'.repeat(4_000), '[::1]:80', '%ff', '\u00ff\u00fe', '{"a":1}'];
      for (const value of junk) {
        const res = await client.get('/api/me', { 'x-forwarded-for': value, 'cf-ipcountry': value, 'cf-iplatitude': value });
        expect(res.status).toBe(200);
      }
      expect((await client.get('/api/me', { 'cf-ipcountry': 'CN', 'cf-ipcity': 'Changchun', 'cf-iplatitude': '43.88', 'cf-iplongitude': '125.32', ...from(LONDON) })).status).toBe(200);
      expect(await anomalies(client)).toEqual([]);
      const huge = await client.get('/api/me', { 'x-forwarded-for': 'y'.repeat(1_000_000) });
      expect(huge.status).toBe(431);
    });

    it('GET /api/security/events: 401 without a session, 403 while MFA is pending, junk queries ignored', async () => {
      await start('report');
      expectError(await sample.client().get('/api/security/events'), 401, 'unauthenticated');
      const enrolling = await loggedIn(ALICE, LONDON);
      await sample.enrol(enrolling);
      const pending = await loggedIn(ALICE, LONDON);
      expectError(await pending.get('/api/security/events'), 403, 'mfa_required');
      const client = await loggedIn(BOB, LONDON);
      for (const query of ['?__proto__[x]=1', '?limit=-1', `?limit=${'9'.repeat(400)}`, '?type=%00', '?q=%ED%A0%80']) {
        const res = await client.get(`/api/security/events${query}`);
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body)).toBe(true);
      }
      expectError(await sample.client().get('/api/security/events', { cookie: 'sid=s%3A%00%ED%A0%80' }), 401, 'unauthenticated');
      expectError(await sample.client().get('/api/security/events', { cookie: `sid=${'a'.repeat(6_000)}` }), 401, 'unauthenticated');
    });
  });
});
