import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { COOKIE, sessionCookies } from '../../support/session-cookie.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const MINUTE = 60_000;
const IDLE = 30 * MINUTE;

describe.each(STORE_NAMES)('T07 idle timeout on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    harness = await openStore(name, 't07');
    app = await createTestApp({ session: { store: harness.store }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });
  beforeEach(() => {
    clock = useFakeClock();
  });
  afterEach(() => clock.restore());

  async function login(): Promise<BrowserClient> {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    return browser;
  }

  it('keeps the session while requests come within the idle timeout', async () => {
    const browser = await login();
    for (let i = 0; i < 6; i++) {
      clock.advance(IDLE - MINUTE);
      expect((await browser.get('/me')).status).toBe(200);
    }
  });

  it('ends the session on the server once idleTimeout has passed since the last request', async () => {
    const browser = await login();
    const key = harness.store.lastSessionKey()!;
    clock.advance(IDLE);
    const res = await browser.get('/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthenticated', message: expect.any(String) });
    // Destroyed, not merely refused: the record is gone from the store (the embedded store's
    // TTL already dropped it; Redis, on real time, still had it and the module deleted it).
    expect(await harness.store.inner.get(key)).toBeNull();
  });

  it('is not extended by a cookie kept past its deadline (cookie-expiry tampering)', async () => {
    const browser = await login();
    const stolen = browser.cookie(COOKIE)!;
    // The cookie carries no expiry the server would trust: a browser-session cookie.
    clock.advance(IDLE + MINUTE);
    expect((await browser.get('/me')).status).toBe(401);
    // The client ignores the expiring Set-Cookie and keeps presenting the old value.
    for (let i = 0; i < 3; i++) {
      browser.jar.set(COOKIE, stolen);
      clock.advance(MINUTE);
      expect((await browser.get('/me')).status).toBe(401);
    }
    expect(await harness.store.liveSessionKeys()).not.toContain(harness.store.lastSessionKey());
  });

  it('sets the store TTL to the idle deadline, and the cookie carries no Expires or Max-Age', async () => {
    const browser = new BrowserClient(app);
    const res = await browser.post('/login', { user: 'alice' });
    const [cookie] = sessionCookies(res);
    expect(cookie!.attributes['expires']).toBeUndefined();
    expect(cookie!.attributes['max-age']).toBeUndefined();
    const key = harness.store.lastSessionKey()!;
    // The clock is frozen: the TTL is exactly the idle timeout.
    expect(harness.store.lastTtl(key)).toBe(IDLE);
    // After an activity write (due a twentieth of the idle window later) it is the new idle deadline.
    clock.advance(10 * MINUTE);
    expect((await browser.get('/me')).status).toBe(200);
    expect(harness.store.lastTtl(key)).toBe(IDLE);
  });

  it('lets an anonymous session (a cart) die the same way', async () => {
    const browser = new BrowserClient(app);
    expect((await browser.post('/cart', { item: 'book' })).status).toBe(204);
    const key = harness.store.lastSessionKey()!;
    expect(await harness.store.inner.get(key)).not.toBeNull();
    clock.advance(IDLE);
    expect((await browser.get('/public')).status).toBe(200);
    expect(await harness.store.inner.get(key)).toBeNull();
  });
});
