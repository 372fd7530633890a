import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../../lib/index.js';
import { createTestApp, gates, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { COOKIE, sessionCookies } from '../../support/session-cookie.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const MINUTE = 60_000;
const ROTATE = 15 * MINUTE;
const GRACE = 10_000;

/** CS-14 renewal timeout: the ID rotates mid-session and the old one ends after a grace window. */
describe.each(STORE_NAMES)('ID rotation (CS-14) on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  let clock: FakeClock;
  const events: SessionEvent[] = [];

  beforeAll(async () => {
    harness = await openStore(name, 'rotation');
    // The defaults: rotateInterval 15 minutes, rotateGracePeriod 10 seconds.
    app = await createTestApp({ session: { store: harness.store, onEvent: (event) => void (event.type === 'login' || events.push(event)) }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });
  beforeEach(() => {
    clock = useFakeClock();
    events.length = 0;
  });
  afterEach(() => clock.restore());

  async function loginWithData(): Promise<{ browser: BrowserClient; handle: string }> {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    expect((await browser.post('/data', { note: 'kept' })).status).toBe(204);
    const me = await browser.get('/me');
    return { browser, handle: (me.body as { handle: string }).handle };
  }

  it('gives the first request after rotateInterval a new ID with the same data and device handle', async () => {
    const { browser, handle } = await loginWithData();
    const before = browser.cookie(COOKIE);
    clock.advance(ROTATE - 1_000);
    const early = await browser.get('/me');
    expect(sessionCookies(early)).toEqual([]);

    clock.advance(1_000);
    const rotated = await browser.get('/me');
    expect(rotated.status).toBe(200);
    const [issued] = sessionCookies(rotated);
    expect(issued).toBeDefined();
    // The same attributes as at login, and still a browser-session cookie (T01).
    expect(issued!.attributes).toEqual({ path: '/', httponly: true, secure: true, samesite: 'Lax' });
    expect(browser.cookie(COOKIE)).not.toBe(before);
    expect(rotated.body).toMatchObject({ userId: 'alice', handle, data: { note: 'kept' } });
    expect(events).toEqual([expect.objectContaining({ type: 'session.rotated', userId: 'alice', handle })]);
    // Events name the device handle, never an ID or a cookie value.
    expect(JSON.stringify(events)).not.toContain(decodeURIComponent(before!).slice(2, 20));

    const after = await browser.get('/me');
    expect(after.status).toBe(200);
    expect(sessionCookies(after)).toEqual([]);
  });

  it('serves the old ID for rotateGracePeriod without sending it again, then the old ID is dead', async () => {
    const { browser } = await loginWithData();
    const inFlight = browser.clone();
    clock.advance(ROTATE);
    expect((await browser.get('/me')).status).toBe(200);

    clock.advance(GRACE - 1);
    const late = await inFlight.get('/me');
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ userId: 'alice', data: { note: 'kept' } });
    // Never re-sent: a response to an old-ID request cannot put the old ID back into the browser.
    expect(sessionCookies(late)).toEqual([]);

    clock.advance(1);
    expect((await inFlight.get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(200);
  });

  it('stores a write made with the old ID inside the grace period in the new session', async () => {
    const { browser } = await loginWithData();
    const inFlight = browser.clone();
    clock.advance(ROTATE);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await inFlight.post('/data', { fromOldTab: true })).status).toBe(204);
    expect((await browser.get('/me')).body).toMatchObject({ data: { note: 'kept', fromOldTab: true } });
  });

  it('lets a request loaded before the rotation save afterwards without bringing the old ID back', async () => {
    const { browser } = await loginWithData();
    const slowTab = browser.clone();
    clock.advance(ROTATE - MINUTE);
    // Loaded before the rotation is due, saved after another request rotated the ID.
    const slow = slowTab.post('/slow/write', { slow: 'landed' }, { 'x-gate': `${name}-inflight` });
    await gates.reached(`${name}-inflight`);
    clock.advance(MINUTE);
    expect(sessionCookies(await browser.get('/me'))).toHaveLength(1);
    gates.release(`${name}-inflight`);
    const slowRes = await slow;
    expect(slowRes.status).toBe(204);
    expect(sessionCookies(slowRes)).toEqual([]);
    expect((await browser.get('/me')).body).toMatchObject({ data: { note: 'kept', slow: 'landed' } });
    clock.advance(GRACE);
    expect((await slowTab.get('/me')).status).toBe(401);
  });

  it('ends the new session too when the old ID logs out inside the grace period', async () => {
    const { browser } = await loginWithData();
    const oldTab = browser.clone();
    clock.advance(ROTATE);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await oldTab.post('/logout')).status).toBe(204);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it('rotates once when parallel requests all find the rotation due', async () => {
    const { browser } = await loginWithData();
    const liveBefore = (await harness.store.liveSessionKeys()).length;
    const tabs = Array.from({ length: 8 }, () => browser.clone());
    clock.advance(ROTATE);
    const responses = await Promise.all(tabs.map((tab) => tab.get('/me')));
    expect(responses.map((res) => res.status)).toEqual(Array(8).fill(200));
    const issued = responses.flatMap((res) => sessionCookies(res));
    expect(issued).toHaveLength(1);
    expect(events.filter((event) => event.type === 'session.rotated')).toHaveLength(1);
    // No orphan session: the old record is gone and exactly one new one exists.
    expect((await harness.store.liveSessionKeys()).length).toBe(liveBefore);
    clock.advance(GRACE);
    const winner = tabs.find((tab) => tab.cookie(COOKIE) === issued[0]!.value)!;
    const loser = tabs.find((tab) => tab.cookie(COOKIE) !== issued[0]!.value)!;
    expect((await winner.get('/me')).status).toBe(200);
    expect((await loser.get('/me')).status).toBe(401);
  });
});

describe.each(STORE_NAMES)('ID rotation without grace period on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    harness = await openStore(name, 'rotation0');
    app = await createTestApp({ session: { store: harness.store, rotateGracePeriod: 0, rotateInterval: 5 * MINUTE }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });
  beforeEach(() => {
    clock = useFakeClock();
  });
  afterEach(() => clock.restore());

  it('kills the old ID at once and honours a custom rotateInterval', async () => {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'bob' })).status).toBe(200);
    const old = browser.clone();
    clock.advance(5 * MINUTE);
    const rotated = await browser.get('/me');
    expect(rotated.status).toBe(200);
    expect(sessionCookies(rotated)).toHaveLength(1);
    expect((await old.get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(200);
  });
});
