import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { connectTestRedis } from '../../support/stores.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const IDLE = 30 * MINUTE;
const ABSOLUTE = 12 * HOUR;

describe.each(STORE_NAMES)('T08 absolute timeout on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    harness = await openStore(name, 't08');
    // The defaults: 30 minutes idle, 12 hours absolute.
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

  it('ends a busy session absoluteTimeout after login, however active', async () => {
    const browser = new BrowserClient(app);
    const loginAt = clock.now();
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    // A request every 20 minutes: never idle, rotated every so often.
    while (clock.now() + 20 * MINUTE < loginAt + ABSOLUTE) {
      clock.advance(20 * MINUTE);
      expect((await browser.get('/me')).status).toBe(200);
    }
    clock.advance(loginAt + ABSOLUTE - clock.now());
    expect((await browser.get('/me')).status).toBe(401);
    expect(await harness.store.liveSessionKeys()).toEqual([]);
  });

  /** Requests every 20 minutes (never idle) until `until`. */
  async function keepBusy(browser: BrowserClient, until: number, each?: () => Promise<void>): Promise<void> {
    while (clock.now() + 20 * MINUTE < until) {
      clock.advance(20 * MINUTE);
      expect((await browser.get('/me')).status).toBe(200);
      await each?.();
    }
  }

  it('never lets activity push the store TTL past the absolute deadline', async () => {
    const browser = new BrowserClient(app);
    const loginAt = clock.now();
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    const redis = harness.prefix !== undefined ? await connectTestRedis() : undefined;
    try {
      await keepBusy(browser, loginAt + ABSOLUTE, async () => {
        const key = harness.store.lastSessionKey()!;
        const remaining = loginAt + ABSOLUTE - clock.now();
        // The clock is frozen during a request: the TTL written is exactly the earlier deadline.
        expect(harness.store.lastTtl(key)).toBe(Math.min(IDLE, remaining));
        if (redis) {
          // connect-redis would EXPIRE (slide) the key on touch; ours never outlives the deadline.
          const pttl = await redis.pTTL(harness.prefix + key);
          expect(pttl).toBeGreaterThan(0);
          expect(pttl).toBeLessThanOrEqual(Math.min(IDLE, remaining));
        }
      });
    } finally {
      await redis?.close();
    }
  });

  it('counts from the password step: a new login starts a new absolute deadline', async () => {
    const browser = new BrowserClient(app);
    const firstLogin = clock.now();
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    await keepBusy(browser, firstLogin + 6 * HOUR);
    const secondLogin = clock.now();
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    await keepBusy(browser, firstLogin + ABSOLUTE + HOUR);
    await keepBusy(browser, secondLogin + ABSOLUTE);
    clock.advance(secondLogin + ABSOLUTE - clock.now());
    expect((await browser.get('/me')).status).toBe(401);
  });
});
