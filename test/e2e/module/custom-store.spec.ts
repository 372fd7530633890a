import type { INestApplication } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_STORE } from '../../../lib/index.js';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { createCustomStoreApp, MapSessionStore, StoreProbe, TEST_SECRET } from '../../apps/test-app/index.js';
import { sessionIdOf } from '../../support/session-cookie.js';
import { BrowserClient } from '../../support/http-client.js';
import { expectLoginRoundTrip } from './round-trip.js';

// The store under test is the app's own: this suite is the same whatever STORES holds.
describe('SessionModule with an app-supplied store', () => {
  let store: MapSessionStore;
  let app: INestApplication;
  let closed = false;
  beforeEach(async () => {
    store = new MapSessionStore();
    app = await createCustomStoreApp(store);
    closed = false;
  });
  afterEach(async () => {
    if (!closed) await app.close();
  });

  it('sessions live in it: login round trip, records under hashed IDs, create then update', async () => {
    const browser = new BrowserClient(app);
    await expectLoginRoundTrip(browser, '__Host-sid');
    const key = new SessionIdHasher(TEST_SECRET).storageKey(sessionIdOf(browser.cookie('__Host-sid')!));
    expect([...store.records.keys()]).toEqual([key]);
    expect(store.calls).toContain('set:create');

    await browser.post('/cart', { item: 'book' });
    expect(store.calls.at(-1)).toBe('set:update');
    expect(JSON.parse(store.records.get(key)!.json)).toMatchObject({
      auth: { user: { id: 'alice' } },
      data: { cart: 'book' },
    });

    const beforeLogout = store.calls.length;
    await browser.post('/logout');
    // The load, one delete, then a look for a rotation forward of that ID to end too; never a
    // write, and never the same delete twice.
    expect(store.calls.slice(beforeLogout)).toEqual(['get', 'destroy', 'get']);
    expect(store.records.size).toBe(0);
  });

  it('@InjectSessionStore() and the SESSION_STORE token give the very same instance', () => {
    expect(app.get(StoreProbe).store).toBe(store);
    expect(app.get(SESSION_STORE)).toBe(store);
  });

  it('the module does not close a store it did not open', async () => {
    await app.close();
    closed = true;
    expect(store.closed).toBe(false);
  });
});

/** A store whose public fields happen to be named like the built-in store options. */
class StoreWithLookAlikeFields extends MapSessionStore {
  readonly memory = { maxSessions: 1 };
  readonly redis = { url: 'redis://127.0.0.1:1' };
}

describe('SessionModule with an app-supplied store that has `memory` / `redis` fields', () => {
  it('is used as the store, not read as store options', async () => {
    const store = new StoreWithLookAlikeFields();
    const app = await createCustomStoreApp(store);
    try {
      expect(app.get(SESSION_STORE)).toBe(store);
      await expectLoginRoundTrip(new BrowserClient(app), '__Host-sid');
      expect(store.records.size).toBe(1);
    } finally {
      await app.close();
    }
  });
});
