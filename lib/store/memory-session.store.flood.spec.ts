import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from './memory-session.store.js';
import type { StoredSession } from './session-store.interface.js';

const TTL = 60_000;
const FLOOD = 100_000;

const loggedIn = (user: string): StoredSession => ({ auth: { user: { id: user }, authenticatedAt: 1, mfa: 'none' }, meta: { createdAt: 1 } });
const anonymousWithData = (n: number): StoredSession => ({ meta: { createdAt: 1 }, data: { cart: [n] } });

describe('MemorySessionStore under a flood', () => {
  const stores: MemorySessionStore[] = [];
  const open = (maxSessions: number) => {
    const store = new MemorySessionStore({ maxSessions });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it(`keeps every logged-in session through ${FLOOD.toLocaleString('en')} new anonymous sessions with data, within maxSessions`, async () => {
    const store = open(1_000);
    for (let i = 0; i < 500; i++) expect(await store.set(`user-${i}`, loggedIn(`u${i}`), TTL, 'create')).toBe(true);
    let largest = 0;
    for (let i = 0; i < FLOOD; i++) {
      await store.set(`anon-${i}`, anonymousWithData(i), TTL, 'create');
      largest = Math.max(largest, store.size);
    }
    expect(largest).toBe(1_000);
    for (let i = 0; i < 500; i++) expect(await store.get(`user-${i}`)).toEqual(loggedIn(`u${i}`));
    // The newest anonymous sessions are the ones kept.
    expect(await store.get(`anon-${FLOOD - 1}`)).toEqual(anonymousWithData(FLOOD - 1));
    expect(await store.get(`anon-${FLOOD - 501}`)).toBeNull();
  });

  it('keeps the forward of a rotated session through the flood too (a logout with the old ID must find it)', async () => {
    const store = open(10);
    await store.set('rotated:old', { until: Date.now() + TTL, to: 'new' }, TTL, 'create');
    for (let i = 0; i < 1_000; i++) await store.set(`anon-${i}`, anonymousWithData(i), TTL, 'create');
    expect(await store.get('rotated:old')).not.toBeNull();
  });

  it('when full of logged-in sessions, drops a new anonymous one rather than log anyone out', async () => {
    const store = open(3);
    for (const user of ['a', 'b', 'c']) await store.set(user, loggedIn(user), TTL, 'create');
    await store.set('anon', anonymousWithData(1), TTL, 'create');
    expect(store.size).toBe(3);
    expect(await store.get('anon')).toBeNull();
    for (const user of ['a', 'b', 'c']) expect(await store.get(user)).not.toBeNull();
  });

  it('stays within maxSessions under a flood of logins too, evicting the oldest logged-in session first', async () => {
    const store = open(100);
    for (let i = 0; i < 10_000; i++) await store.set(`user-${i}`, loggedIn(`u${i}`), TTL, 'create');
    expect(store.size).toBe(100);
    expect(await store.get('user-9899')).toBeNull();
    expect(await store.get('user-9900')).not.toBeNull();
  });

  it('moves a session between the two kinds when an update logs it in or out', async () => {
    const store = open(2);
    await store.set('s', anonymousWithData(1), TTL, 'create');
    await store.set('s', loggedIn('u'), TTL, 'update');
    await store.set('x', anonymousWithData(2), TTL, 'create');
    await store.set('y', anonymousWithData(3), TTL, 'create');
    // Full: the oldest anonymous record goes, never `s`, though it was written first.
    expect(await store.get('x')).toBeNull();
    expect(await store.get('s')).toEqual(loggedIn('u'));
    // `s` anonymous again, now the newest anonymous record: `y` goes for a login.
    await store.set('s', anonymousWithData(4), TTL, 'update');
    await store.set('z', loggedIn('v'), TTL, 'create');
    expect(await store.get('y')).toBeNull();
    expect(await store.get('s')).toEqual(anonymousWithData(4));
    expect(await store.get('z')).toEqual(loggedIn('v'));
  });
});
