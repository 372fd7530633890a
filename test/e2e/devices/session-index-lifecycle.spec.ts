import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_DEFAULTS } from '../../../lib/options/session-defaults.js';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { COOKIE, DevicesHarness, SAFARI_IPHONE, TEST_SECRET } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

const IDLE = SESSION_DEFAULTS.idleTimeout;
/** The module writes lastSeenAt at most once per twentieth of the idle timeout. */
const ACTIVITY_WRITE_INTERVAL = IDLE / 20;

const hasher = new SessionIdHasher(TEST_SECRET);
const storageKeyOf = (cookie: string) => hasher.storageKey(decodeURIComponent(cookie).slice(2).split('.')[0]!);

describe.each(STORES)('session index lifecycle on $name', (under) => {
  let h: DevicesHarness;
  let now: number;
  /** Moves the app's clock (Date only: timers and sockets run as usual). */
  const advance = (ms: number) => {
    now += ms;
    vi.setSystemTime(now);
  };

  beforeAll(async () => {
    now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now });
    h = await DevicesHarness.start(under);
  });
  afterAll(async () => {
    await h.close();
    vi.useRealTimers();
  });
  afterEach(() => advance(1_000));

  it('ID regeneration keeps the handle, moves the entry to the new key and kills the old ID', async () => {
    const user = 'life-rotate';
    const browser = await h.loggedIn(user);
    const before = browser.cookie(COOKIE)!;
    const stolen = browser.clone();
    const [row] = await h.list(browser);

    expect((await browser.post('/rotate')).status).toBe(204);
    const after = browser.cookie(COOKIE)!;
    expect(after).not.toBe(before);
    expect((await h.list(browser)).map((r) => [r.id, r.current])).toEqual([[row!.id, true]]);
    expect(await h.index().get(user, row!.id, Date.now())).toMatchObject({
      storageKey: storageKeyOf(after),
      previousStorageKey: storageKeyOf(before),
    });
    expect((await stolen.get('/me')).status).toBe(401);

    // Revoking by handle reaches the session under its new ID.
    const other = await h.loggedIn(user, SAFARI_IPHONE);
    expect((await other.delete(`/api/sessions/${row!.id}`)).status).toBe(204);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it('MFA completion keeps the handle and the entry turns from pending to verified', async () => {
    const user = 'life-mfa';
    await h.enrollMfa(user);
    const browser = await h.loggedIn(user);
    const pending = (await h.index().list(user, Date.now()))[0]!;
    expect(pending.mfa).toBe('pending');
    expect((await h.verifyMfa(browser, user)).status).toBe(200);
    const [row] = await h.list(browser);
    expect(row).toMatchObject({ id: pending.handle, mfa: true, current: true });
    expect(await h.index().get(user, pending.handle, Date.now())).toMatchObject({
      mfa: 'verified',
      storageKey: storageKeyOf(browser.cookie(COOKIE)!),
    });
  });

  it('a session revoked while its ID changes does not survive the change', async () => {
    const user = 'life-race';
    const browser = await h.loggedIn(user);
    const [entry] = await h.index().list(user, Date.now());
    // A revoke removed the entry between the record write and the index update of /rotate.
    await h.index().remove(user, [entry!], Date.now());

    const res = await browser.post('/rotate');
    expect(res.status).toBe(401);
    expect((await browser.get('/me')).status).toBe(401);
    expect(await h.index().list(user, Date.now())).toEqual([]);
  });

  it('lastSeenAt follows activity at the throttled rate, and the entry’s deadline with it', async () => {
    const user = 'life-activity';
    const browser = await h.loggedIn(user);
    const [first] = await h.index().list(user, Date.now());
    const loginAt = first!.lastSeenAt;
    expect(first!.expiresAt).toBe(loginAt + IDLE);

    // Requests within the write interval change nothing stored.
    advance(ACTIVITY_WRITE_INTERVAL - 2_000);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await h.index().list(user, Date.now()))[0]).toEqual(first);

    // The first request after it records the activity in the record and in the index.
    advance(2_000);
    expect((await browser.get('/me')).status).toBe(200);
    const [second] = await h.index().list(user, Date.now());
    expect(second!.lastSeenAt).toBe(now);
    expect(second!.expiresAt).toBe(now + IDLE);
    expect(Date.parse((await h.list(browser))[0]!.lastSeenAt)).toBe(now);

    // Past the login's idle deadline the session lives on, listed, because its activity moved it.
    advance(IDLE - ACTIVITY_WRITE_INTERVAL + 1_000);
    expect(now).toBeGreaterThan(loginAt + IDLE);
    expect((await h.index().list(user, Date.now())).map((e) => e.handle)).toEqual([first!.handle]);
  });

  it('prunes expired sessions from the index on the next read or write, without scanning', async () => {
    const user = 'life-prune';
    const idle = await h.loggedIn(user);
    advance(IDLE / 2);
    const active = await h.loggedIn(user, SAFARI_IPHONE);
    expect(await h.list(active)).toHaveLength(2);
    if (h.redis) expect(await h.redis.hLen(h.indexKeys(user)[1])).toBe(2);

    // The first session reaches its idle deadline: it is dead, and gone from the index.
    advance(IDLE / 2);
    expect((await idle.get('/me')).status).toBe(401);
    const rows = await h.list(active);
    expect(rows.map((row) => row.userAgent)).toEqual([SAFARI_IPHONE]);
    if (h.redis) {
      expect(await h.redis.hLen(h.indexKeys(user)[1])).toBe(1);
      expect(await h.redis.zCard(h.indexKeys(user)[0])).toBe(1);
    }

    // Once every session is past its deadline, a read leaves nothing of the user behind.
    advance(IDLE);
    expect(await h.index().list(user, Date.now())).toEqual([]);
    if (h.redis) expect(await h.redis.exists(h.indexKeys(user))).toBe(0);
  });
});

describe.each(STORES)('session index lastSeenAt near the absolute timeout on $name', (under) => {
  const MINUTE = 60_000;
  let h: DevicesHarness;
  let now: number;
  const advance = (ms: number) => {
    now += ms;
    vi.setSystemTime(now);
  };

  beforeAll(async () => {
    now = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now });
    h = await DevicesHarness.start(under, { idleTimeout: 30 * MINUTE, absoluteTimeout: 40 * MINUTE });
  });
  afterAll(async () => {
    await h.close();
    vi.useRealTimers();
  });

  it('follows activity even once the deadline is the absolute one and no longer moves', async () => {
    const user = 'life-absolute';
    const loginAt = now;
    const browser = await h.loggedIn(user);
    advance(20 * MINUTE);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await h.index().list(user, Date.now()))[0]).toMatchObject({ lastSeenAt: now, expiresAt: loginAt + 40 * MINUTE });

    advance(5 * MINUTE);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await h.index().list(user, Date.now()))[0]).toMatchObject({ lastSeenAt: now, expiresAt: loginAt + 40 * MINUTE });
    expect(Date.parse((await h.list(browser))[0]!.lastSeenAt)).toBe(now);
  });
});
