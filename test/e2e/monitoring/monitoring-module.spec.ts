import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MaxMindGeoResolver,
  TrustedHeaderGeoResolver,
  type AnomalyEvent,
  type MonitoringOptions,
  type RiskAssessment,
  type SessionEvent,
  type SecurityActivityEntry,
} from '../../../lib/index.js';
import { createTestApp, MONITORING_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { connectTestRedis, deleteKeys, STORES, uniquePrefix } from '../../support/stores.js';

const GEOIP_DB = join(import.meta.dirname, '../../fixtures/geoip/GeoLite2-City-Test.mmdb');
const LONDON = '81.2.69.142';
const BOXFORD = '2.125.160.217';
const LINKOPING = '89.160.20.115';
const CHANGCHUN = '175.16.199.5';
const HOUR = 3_600_000;

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const anomalies = (events: SessionEvent[]) => events.filter((e): e is AnomalyEvent => e.type.startsWith('anomaly.'));

describe.each(STORES)('monitoring through a test app on $name', (store) => {
  const apps: INestApplication[] = [];
  const prefixes: string[] = [];
  let clock: FakeClock | undefined;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const app of apps.splice(0)) await app.close();
    if (store.name === 'redis') {
      const redis = await connectTestRedis();
      for (const prefix of prefixes.splice(0)) await deleteKeys(redis, prefix);
      await redis.close();
    }
  });

  async function start(monitoring: MonitoringOptions, trustProxy: string | boolean = 'loopback', extra = {}) {
    const prefix = uniquePrefix('monitoring');
    prefixes.push(prefix);
    const events: SessionEvent[] = [];
    const app = await createTestApp({
      session: { store: store.options(prefix), monitoring, onEvent: (event) => void events.push(event), ...extra },
      routes: MONITORING_APP_ROUTES,
      trustProxy,
    });
    apps.push(app);
    return { app, events };
  }

  const geo = () => new MaxMindGeoResolver({ path: GEOIP_DB, watchInterval: 0 });

  async function loginFrom(app: INestApplication, user: string, ip: string, headers: Record<string, string> = {}): Promise<BrowserClient> {
    const client = new BrowserClient(app);
    expect((await client.post('/login', { user }, { ...from(ip), ...headers })).status).toBe(200);
    return client;
  }

  it('London -> Linköping 24 h apart: a jump between logins, no impossible travel (1258 km / 24 h)', async () => {
    const { app, events } = await start({ geo: geo() });
    clock = useFakeClock(Date.now());
    await loginFrom(app, 'ann', LONDON);
    clock.advance(24 * HOUR);
    await loginFrom(app, 'ann', LINKOPING);
    expect(anomalies(events).map((e) => [e.type, e.scope, e.code])).toEqual([['anomaly.location_jump', 'login', 'substantial_travel_from_last_login']]);
    const jump = anomalies(events)[0]!;
    expect(jump).toMatchObject({ from: { country: 'GB', city: 'London' }, to: { country: 'SE', city: 'Linköping' }, precision: 'city', action: 'report', userId: 'ann' });
    expect(jump.distanceKm).toBeGreaterThan(1245);
    expect(jump.distanceKm).toBeLessThan(1270);
  });

  it('London -> Changchun 10 h apart (about 800 km/h): a jump, not impossible travel; 1 h apart: both', async () => {
    const { app, events } = await start({ geo: geo() });
    clock = useFakeClock(Date.now());
    await loginFrom(app, 'bea', LONDON);
    clock.advance(10 * HOUR);
    await loginFrom(app, 'bea', CHANGCHUN);
    expect(anomalies(events).map((e) => e.type)).toEqual(['anomaly.location_jump']);
    clock.advance(HOUR);
    await loginFrom(app, 'bea', LONDON);
    const travel = anomalies(events).find((e) => e.type === 'anomaly.impossible_travel');
    expect(travel).toMatchObject({ from: { city: 'Changchun' }, to: { city: 'London' }, elapsedMs: HOUR });
    expect(travel!.speedKmh).toBeGreaterThan(7_900);
  });

  it('assessRisk sees the context and its stronger action applies, as anomaly.risk', async () => {
    const seen: RiskAssessment[] = [];
    const { app, events } = await start({
      geo: geo(),
      assessRisk: (assessment) => {
        seen.push(assessment);
        return assessment.kind === 'location_change' && assessment.location?.city === 'Boxford' ? 'end' : undefined;
      },
    });
    const client = await loginFrom(app, 'cy', LONDON);
    expect(seen[0]).toMatchObject({ kind: 'login', userId: 'cy', ip: LONDON, location: { city: 'London' }, findings: [] });
    expect((await client.get('/me', from(LONDON))).status).toBe(200);
    // 84 km: no rule fires, but the app's scoring says end.
    expect((await client.get('/me', from(BOXFORD))).status).toBe(401);
    expect(seen[1]).toMatchObject({ kind: 'location_change', previous: { location: { city: 'London' } }, location: { city: 'Boxford' } });
    expect(anomalies(events)).toEqual([expect.objectContaining({ type: 'anomaly.risk', action: 'end', code: 'custom', scope: 'session' })]);
  });

  it('a failing assessRisk is logged and the rules decide', async () => {
    const { app, events } = await start({
      geo: geo(),
      locationJump: { action: 'end' },
      assessRisk: () => {
        throw new Error('model offline');
      },
    });
    const client = await loginFrom(app, 'dee', LONDON);
    expect((await client.get('/me', from(BOXFORD))).status).toBe(200);
    expect((await client.get('/me', from(CHANGCHUN))).status).toBe(401);
    expect(anomalies(events).map((e) => e.type)).toEqual(['anomaly.location_jump']);
  });

  it('CDN headers count from a trusted proxy only', async () => {
    const cdn = (country: string, city: string, lat: string, lon: string) => ({ 'cf-ipcountry': country, 'cf-ipcity': city, 'cf-iplatitude': lat, 'cf-iplongitude': lon });
    const trusted = await start({ geo: new TrustedHeaderGeoResolver(), locationJump: { action: 'end' } });
    const client = await loginFrom(trusted.app, 'eve', LONDON, cdn('GB', 'London', '51.5142', '-0.0931'));
    expect((await client.get('/me', { ...from(CHANGCHUN), ...cdn('CN', 'Changchun', '43.88', '125.3228') })).status).toBe(401);
    expect(anomalies(trusted.events)[0]).toMatchObject({ from: { country: 'GB', city: 'London' }, to: { country: 'CN', city: 'Changchun' } });

    // Without trust proxy the app sees the socket's loopback address and ignores the headers a
    // client sends (plain HTTP then, so the development cookie).
    const direct = await start({ geo: new TrustedHeaderGeoResolver(), locationJump: { action: 'end' } }, false, { allowInsecureHttp: true });
    const forger = await loginFrom(direct.app, 'fay', LONDON, cdn('GB', 'London', '51.5142', '-0.0931'));
    expect((await forger.get('/me', cdn('CN', 'Changchun', '43.88', '125.3228'))).status).toBe(200);
    expect(anomalies(direct.events)).toEqual([]);
    const log = (await forger.get('/events')).body as SecurityActivityEntry[];
    expect(log.map((e) => [e.type, e.location])).toEqual([['login', null]]);
  });

  it('every logged event also reaches onEvent, and the log holds networks and parsed devices only', async () => {
    const { app, events } = await start({ geo: geo() });
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const client = await loginFrom(app, 'gus', LONDON, { 'user-agent': firefox });
    expect((await client.get('/me', { ...from(CHANGCHUN), 'user-agent': firefox })).status).toBe(200);
    const log = (await client.get('/events', { ...from(CHANGCHUN), 'user-agent': firefox })).body as SecurityActivityEntry[];
    expect(log.map((e) => e.type)).toEqual(['anomaly.location_jump', 'session.binding_mismatch', 'login']);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['login', 'session.binding_mismatch', 'anomaly.location_jump']));
    const stored = JSON.stringify(log);
    expect(stored).not.toContain(LONDON);
    expect(stored).not.toContain(CHANGCHUN);
    expect(stored).not.toContain('Gecko');
    expect(log[2]).toMatchObject({ ip: '81.2.69.0/24', browser: 'Firefox 128', os: 'Linux', location: { country: 'GB', city: 'London' } });
  });

  it('without geo nothing is looked up, but the log and the new-device rule work', async () => {
    const { app, events } = await start({});
    await loginFrom(app, 'hal', LONDON, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' });
    const client = await loginFrom(app, 'hal', CHANGCHUN, { 'user-agent': 'curl/8.5.0 (but) Mozilla/5.0 (Windows NT 10.0) Chrome/126.0' });
    expect(events.some((e) => 'to' in e || 'from' in e)).toBe(false);
    expect(anomalies(events).map((e) => [e.type, e.device])).toEqual([['anomaly.new_device', 'Chrome on Windows']]);
    const log = (await client.get('/events', { ...from(CHANGCHUN), 'user-agent': 'curl/8.5.0 (but) Mozilla/5.0 (Windows NT 10.0) Chrome/126.0' })).body as SecurityActivityEntry[];
    expect(log[0]!.location).toBeNull();
  });
});
