import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { createTestApp, gates, LIFETIME_APP_ROUTES, TEST_SECRET } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { COOKIE, sessionCookies, sessionIdOf } from '../../support/session-cookie.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const RACES = 1_000;
const BATCH = 50;

/** Runs `race(i)` RACES times, BATCH at a time, so a thousand races take seconds. */
async function inBatches(count: number, race: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => race(start + i)));
  }
}

/**
 * Pain point 1 (expressjs/session#632, connect-redis#328): a request that loaded a session
 * before a concurrent logout, revoke or regeneration must not re-create it when it saves.
 * Each race forces the bad interleaving: the slow request is inside its handler with the
 * session loaded, the logout completes, then the slow request writes and saves.
 */
describe.each(STORE_NAMES)('no session resurrection on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  const hasher = new SessionIdHasher(TEST_SECRET);

  beforeAll(async () => {
    harness = await openStore(name, 'resurrection');
    app = await createTestApp({ session: { store: harness.store }, routes: LIFETIME_APP_ROUTES, listen: true });
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });

  async function login(user: string): Promise<BrowserClient> {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user })).status).toBe(200);
    return browser;
  }

  function storageKey(browser: BrowserClient): string {
    return hasher.storageKey(sessionIdOf(browser.cookie(COOKIE)!));
  }

  it(`${RACES} races of logout against a slow writing request: 0 resurrected sessions`, async () => {
    const resurrected: number[] = [];
    await inBatches(RACES, async (i) => {
      const browser = await login(`racer-${i}`);
      const key = storageKey(browser);
      const gate = `${name}-logout-${i}`;
      const slow = browser.clone().post('/slow/write', { late: i }, { 'x-gate': gate });
      await gates.reached(gate);
      expect((await browser.post('/logout')).status).toBe(204);
      gates.release(gate);
      const late = await slow;
      expect(late.status).toBe(204);
      expect(sessionCookies(late)).toEqual([]);
      if ((await harness.store.inner.get(key)) !== null) resurrected.push(i);
    });
    expect(resurrected).toEqual([]);
    expect(await harness.store.liveSessionKeys()).toEqual([]);
  }, 90_000); // 1,000 races: far from the 20 s default on a loaded two-core machine, and no timing is asserted.

  it('100 races of a new login (regeneration) against a slow writing request: the old ID stays dead', async () => {
    const resurrected: number[] = [];
    await inBatches(100, async (i) => {
      const browser = await login(`relogin-${i}`);
      const stale = browser.clone();
      const oldKey = storageKey(browser);
      const gate = `${name}-relogin-${i}`;
      const slow = stale.post('/slow/write', { late: i }, { 'x-gate': gate });
      await gates.reached(gate);
      expect((await browser.post('/login', { user: `relogin-${i}` })).status).toBe(200);
      gates.release(gate);
      expect((await slow).status).toBe(204);
      if ((await harness.store.inner.get(oldKey)) !== null) resurrected.push(i);
      expect((await stale.get('/me')).status).toBe(401);
      // The new session is untouched by the stale write.
      expect(((await browser.get('/me')).body as { data: object }).data).toEqual({});
      expect((await browser.post('/logout')).status).toBe(204);
    });
    expect(resurrected).toEqual([]);
  }, 60_000);

  it('two concurrent writes to one live session: the last save wins as a whole, the session stays alive', async () => {
    // Decided semantics: every save writes the whole record atomically, conditional on the
    // session still existing (no version check). Parallel writers do not merge: the later
    // save replaces the earlier one, as with express-session everywhere. Security state never
    // changes in place (login, MFA and rotation regenerate the ID), so a stale writer can lose
    // app data but never restore an older privilege.
    const browser = await login('writer');
    const first = browser.clone().post('/slow/write', { a: 1 }, { 'x-gate': `${name}-a` });
    const second = browser.clone().post('/slow/write', { b: 2 }, { 'x-gate': `${name}-b` });
    await Promise.all([gates.reached(`${name}-a`), gates.reached(`${name}-b`)]);
    gates.release(`${name}-a`);
    expect((await first).status).toBe(204);
    expect(((await browser.get('/me')).body as { data: object }).data).toEqual({ a: 1 });
    gates.release(`${name}-b`);
    expect((await second).status).toBe(204);
    expect(((await browser.get('/me')).body as { data: object }).data).toEqual({ b: 2 });
    expect((await browser.post('/logout')).status).toBe(204);
  });
});
