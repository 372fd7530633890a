import type { INestApplication } from '@nestjs/common';
import { beforeEach, describe, expect, it } from 'vitest';
import { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';
import type { SessionRow } from '../../apps/test-app/index.js';
import {
  ALICE,
  APP_ORIGIN,
  BOB,
  COOKIE,
  expectError,
  login,
  perTestHarness,
  sessionCookie,
  type SampleHarness,
} from './sample-harness.js';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

// `location`: the contract's next addition (monitoring); null here, without GEOIP_DB.
const ROW_KEYS = ['browser', 'createdAt', 'current', 'id', 'ip', 'lastSeenAt', 'location', 'mfa', 'os', 'userAgent'];
const HANDLE = /^[A-Za-z0-9_-]{22}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CROSS_SITE = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };


/** A browser that always sends the same User-Agent (the module binds sessions to it). */
class DeviceClient extends BrowserClient {
  constructor(app: INestApplication, userAgent: string) {
    super(app, { headers: { 'User-Agent': userAgent } });
  }
}

describe.each(STORES)('T17 sample: the devices API on $name', (store) => {
  const harness = perTestHarness(store, 'sample-devices');
  let sample: SampleHarness;
  beforeEach(async () => {
    sample = harness();
    await sample.start({}, { clock: true });
  });

  async function loggedIn(user = ALICE, userAgent?: string): Promise<BrowserClient> {
    const client = userAgent === undefined ? sample.client() : new DeviceClient(sample.app, userAgent);
    expect((await login(client, user)).status).toBe(200);
    return client;
  }

  async function list(client: BrowserClient): Promise<SessionRow[]> {
    const res = await client.get('/api/sessions');
    expect(res.status).toBe(200);
    return res.body as SessionRow[];
  }

  async function handleOf(client: BrowserClient): Promise<string> {
    return (await list(client)).find((row) => row.current)!.id;
  }

  it('GET /api/sessions lists every session of the user, an MFA-pending one with mfa:false, the caller marked current', async () => {
    const laptop = await loggedIn(ALICE, FIREFOX_WINDOWS);
    await sample.enrol(laptop);
    // Password only, now that alice is enrolled: this session waits for its code.
    const phone = new DeviceClient(sample.app, SAFARI_IPHONE);
    expect((await login(phone, ALICE)).body.mfa).toBe('required');
    const bob = await loggedIn(BOB);

    const res = await laptop.get('/api/sessions');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const rows = res.body as SessionRow[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
      expect(row.id).toMatch(HANDLE);
      expect(row.createdAt).toMatch(ISO_TIMESTAMP);
      expect(row.lastSeenAt).toMatch(ISO_TIMESTAMP);
      expect(typeof row.ip).toBe('string');
    }
    const current = rows.find((row) => row.current)!;
    const pending = rows.find((row) => !row.current)!;
    expect(current).toMatchObject({ mfa: true, userAgent: FIREFOX_WINDOWS, browser: 'Firefox 128', os: 'Windows' });
    expect(pending).toMatchObject({ mfa: false, userAgent: SAFARI_IPHONE, browser: 'Safari 17', os: 'iOS' });
    // The handle is a public name, not the cookie.
    expect(laptop.cookie(COOKIE)).not.toContain(current.id);
    expect(phone.cookie(COOKIE)).not.toContain(pending.id);

    const bobRows = await list(bob);
    expect(bobRows).toHaveLength(1);
    expect(bobRows[0]).toMatchObject({ current: true, mfa: false });
    expect(rows.map((row) => row.id)).not.toContain(bobRows[0]!.id);
  });

  it('only fully authenticated callers: 401 without a session, 403 mfa_required while MFA is pending', async () => {
    const laptop = await loggedIn();
    await sample.enrol(laptop);
    const handle = await handleOf(laptop);
    const anonymous = sample.client();
    const pending = sample.client();
    expect((await login(pending, ALICE)).body.mfa).toBe('required');

    expectError(await anonymous.get('/api/sessions'), 401, 'unauthenticated');
    expectError(await anonymous.delete(`/api/sessions/${handle}`), 401, 'unauthenticated');
    expectError(await anonymous.post('/api/sessions/revoke-others'), 401, 'unauthenticated');
    expectError(await pending.get('/api/sessions'), 403, 'mfa_required');
    expectError(await pending.delete(`/api/sessions/${handle}`), 403, 'mfa_required');
    expectError(await pending.post('/api/sessions/revoke-others'), 403, 'mfa_required');
    // The pending session could not sign out anything.
    expect((await laptop.get('/api/me')).status).toBe(200);
    expect(await list(laptop)).toHaveLength(2);
  });

  it('DELETE /api/sessions/:id: 204, and that cookie is 401 on its very next request; the others live on', async () => {
    const [laptop, phone, tablet] = [await loggedIn(), await loggedIn(), await loggedIn()];
    const phoneHandle = await handleOf(phone);

    const res = await laptop.delete(`/api/sessions/${phoneHandle}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    // The caller's own cookie is not touched.
    expect(sessionCookie(res)).toBeUndefined();
    expect(res.headers['clear-site-data']).toBeUndefined();

    expectError(await phone.get('/api/me'), 401, 'unauthenticated');
    expect((await laptop.get('/api/me')).status).toBe(200);
    expect((await tablet.get('/api/me')).status).toBe(200);
    expect((await list(laptop)).map((row) => row.id)).not.toContain(phoneHandle);
    expect(await list(laptop)).toHaveLength(2);
    // Gone is gone: a second revoke finds nothing.
    expectError(await laptop.delete(`/api/sessions/${phoneHandle}`), 404, 'not_found');
  });

  it("404 not_found for another user's handle and for junk ids; nothing changes", async () => {
    const alice = await loggedIn(ALICE);
    const bob = await loggedIn(BOB);
    const bobHandle = await handleOf(bob);
    const aliceRows = await list(alice);

    const junk = [
      'nope',
      'A'.repeat(22),
      `${bobHandle}x`,
      bobHandle.toLowerCase() === bobHandle ? bobHandle.toUpperCase() : bobHandle.toLowerCase(),
      '%2e%2e',
      '..%2Fsessions',
      'x'.repeat(2_000),
      '%00',
    ];
    for (const id of [bobHandle, ...junk]) {
      expectError(await alice.delete(`/api/sessions/${id}`), 404, 'not_found');
    }
    expect((await bob.get('/api/me')).status).toBe(200);
    expect((await alice.get('/api/me')).status).toBe(200);
    expect((await list(bob)).map((row) => row.id)).toEqual([bobHandle]);
    expect((await list(alice)).map((row) => row.id)).toEqual(aliceRows.map((row) => row.id));
  });

  it("DELETE of the current session's own handle is a logout: cookie expired, Clear-Site-Data, the cookie dead", async () => {
    const client = await loggedIn();
    const other = await loggedIn();
    const stolen = client.clone();
    const res = await client.delete(`/api/sessions/${await handleOf(client)}`);
    expect(res.status).toBe(204);
    expect(res.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(res.headers['cache-control']).toBe('no-store');
    const expired = sessionCookie(res)!;
    expect(expired.value).toBe('');
    expect(expired.attributes).toMatchObject({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
    expect(Date.parse(expired.attributes['expires'] as string)).toBeLessThanOrEqual(Date.now());
    expect(client.cookie(COOKIE)).toBeUndefined();
    expectError(await stolen.get('/api/me'), 401, 'unauthenticated');
    // Only this session ended.
    expect(await list(other)).toHaveLength(1);
  });

  it('POST /api/sessions/revoke-others: every other session of the user dies, MFA-pending ones too; this one and other users stay', async () => {
    const laptop = await loggedIn();
    const { secret } = await sample.enrol(laptop);
    const phone = await sample.fullyLoggedIn(ALICE, secret);
    const pending = sample.client();
    expect((await login(pending, ALICE)).body.mfa).toBe('required');
    const bob = await loggedIn(BOB);
    expect(await list(laptop)).toHaveLength(3);

    const res = await laptop.post('/api/sessions/revoke-others');
    expect(res.status).toBe(204);
    expect(sessionCookie(res)).toBeUndefined();
    expectError(await phone.get('/api/me'), 401, 'unauthenticated');
    expectError(await pending.post('/api/auth/mfa/verify', { code: '123456' }), 401, 'unauthenticated');
    expect((await laptop.get('/api/me')).status).toBe(200);
    expect((await bob.get('/api/me')).status).toBe(200);
    const rows = await list(laptop);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.current).toBe(true);
    // Nothing left to revoke: still 204.
    expect((await laptop.post('/api/sessions/revoke-others')).status).toBe(204);
  });

  it('CSRF applies: a cross-site DELETE or revoke-others is 403 csrf and signs nothing out', async () => {
    const laptop = await loggedIn();
    const phone = await loggedIn();
    const phoneHandle = await handleOf(phone);
    const ownHandle = await handleOf(laptop);
    for (const headers of [CROSS_SITE, { Origin: 'https://evil.example' }]) {
      expectError(await laptop.delete(`/api/sessions/${phoneHandle}`, headers), 403, 'csrf');
      expectError(await laptop.delete(`/api/sessions/${ownHandle}`, headers), 403, 'csrf');
      expectError(await laptop.post('/api/sessions/revoke-others', undefined, headers), 403, 'csrf');
    }
    expect((await phone.get('/api/me')).status).toBe(200);
    expect((await laptop.get('/api/me')).status).toBe(200);
    expect(await list(laptop)).toHaveLength(2);
    // The same request from the app's own origin works.
    const sameOrigin = { 'Sec-Fetch-Site': 'same-origin', Origin: APP_ORIGIN };
    expect((await laptop.delete(`/api/sessions/${phoneHandle}`, sameOrigin)).status).toBe(204);
    expectError(await phone.get('/api/me'), 401, 'unauthenticated');
  });
});
