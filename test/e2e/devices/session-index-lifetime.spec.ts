import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SessionService, type SessionEvent } from '../../../lib/index.js';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { createTestApp, gates, LIFETIME_APP_ROUTES, TEST_SECRET } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { COOKIE, sessionIdOf } from '../../support/session-cookie.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const MINUTE = 60_000;
const ROTATE = 15 * MINUTE;
const GRACE = 10_000;
/** lastSeenAt is written at most every twentieth of the (default) idle timeout. */
const ACTIVITY_WRITE_INTERVAL = (30 * MINUTE) / 20;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const hasher = new SessionIdHasher(TEST_SECRET);
const storageKeyOf = (browser: BrowserClient) => hasher.storageKey(sessionIdOf(browser.cookie(COOKIE)!));

/**
 * The device index follows every ID change the session lifetime makes (rotation, an ending by
 * binding), and revocation reaches a session whatever its ID is doing. (An idle or absolute
 * ending needs no test here: the entry shares the record's deadline and is pruned with it.)
 */
describe.each(STORE_NAMES)('session index under rotation and binding on $name', ({ name }) => {
  let harness: StoreHarness;
  let app: INestApplication;
  let clock: FakeClock;
  const events: SessionEvent[] = [];

  beforeAll(async () => {
    harness = await openStore(name, 'index-lifetime');
    app = await createTestApp({ session: { store: harness.store, onEvent: (event) => void events.push(event) }, routes: LIFETIME_APP_ROUTES, listen: true });
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

  const entries = (user: string) => harness.store.index.list(user, Date.now());

  async function loggedIn(user: string): Promise<BrowserClient> {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user })).status).toBe(200);
    return browser;
  }

  it('a timer rotation moves the entry to the new ID, same handle, the old ID as previous', async () => {
    const browser = await loggedIn('idx-rotate');
    const before = storageKeyOf(browser);
    const [entry] = await entries('idx-rotate');
    expect(entry!.storageKey).toBe(before);

    clock.advance(ROTATE);
    expect((await browser.get('/me')).status).toBe(200);
    const after = storageKeyOf(browser);
    expect(after).not.toBe(before);
    expect(await entries('idx-rotate')).toEqual([
      expect.objectContaining({ handle: entry!.handle, storageKey: after, seq: entry!.seq }),
    ]);
  });

  it('revoking a session in its rotation grace window ends the old ID and the new one', async () => {
    const browser = await loggedIn('idx-grace');
    const oldTab = browser.clone();
    clock.advance(ROTATE);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await oldTab.get('/me')).status).toBe(200);

    const [entry] = await entries('idx-grace');
    await app.get(SessionService).revokeSession('idx-grace', entry!.handle);
    expect((await oldTab.get('/me')).status).toBe(401);
    expect((await browser.get('/me')).status).toBe(401);
    expect(await harness.store.liveSessionKeys()).not.toContain(storageKeyOf(browser));
    expect(events.filter((event) => event.type === 'session.revoked')).toEqual([
      expect.objectContaining({ userId: 'idx-grace', handle: entry!.handle, reason: 'revoke' }),
    ]);
  });

  it('a write from before a rotation, saved within the grace window, records its activity under the new ID', async () => {
    const browser = await loggedIn('idx-stale');
    clock.advance(ACTIVITY_WRITE_INTERVAL);
    const slow = browser.post('/slow/write', { note: 'late' }, { 'x-gate': 'idx-stale' });
    await gates.reached('idx-stale');
    const slowSeenAt = Date.now();

    clock.advance(ROTATE);
    expect((await browser.get('/me')).status).toBe(200);
    const rotatedKey = storageKeyOf(browser);
    gates.release('idx-stale');
    expect((await slow).status).toBe(204);

    // The stale request ran last: its activity is what the entry shows, under the key it really wrote.
    expect(await entries('idx-stale')).toEqual([
      expect.objectContaining({ storageKey: rotatedKey, lastSeenAt: slowSeenAt }),
    ]);
    expect((await browser.get('/me')).body).toMatchObject({ data: { note: 'late' } });
    const [entry] = await entries('idx-stale');
    await app.get(SessionService).revokeSession('idx-stale', entry!.handle);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it('a session ended by strict User-Agent binding leaves the index, and nothing is added', async () => {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'idx-binding' }, { 'user-agent': FIREFOX })).status).toBe(200);
    expect(await entries('idx-binding')).toHaveLength(1);

    const thief = browser.clone();
    expect((await thief.get('/me', { 'user-agent': CHROME })).status).toBe(401);
    expect(await entries('idx-binding')).toEqual([]);
    expect((await browser.get('/me', { 'user-agent': FIREFOX })).status).toBe(401);
  });
});
