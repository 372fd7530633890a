import type { SessionData } from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStore, StoredSession, WriteMode } from '../../lib/index.js';
import { SessionRepository } from '../../lib/store/session-repository.js';
import { SessionIdHasher } from '../../lib/store/session-id-hasher.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../support/store-harness.js';

/** Runs `inject` once, just before the store operation number `at` (counted from arming). */
class InterleavingStore implements SessionStore {
  private count = 0;
  private injection: { at: number; run: () => Promise<void> } | undefined;

  constructor(private readonly inner: SessionStore) {}

  arm(at: number, run: () => Promise<void>): void {
    this.count = 0;
    this.injection = { at, run };
  }

  get fired(): boolean {
    return this.injection === undefined;
  }

  async get(key: string): Promise<StoredSession | null> {
    await this.before();
    return this.inner.get(key);
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    await this.before();
    return this.inner.set(key, record, ttlMs, mode);
  }

  async destroy(key: string): Promise<void> {
    await this.before();
    return this.inner.destroy(key);
  }

  async close(): Promise<void> {}

  private async before(): Promise<void> {
    const injection = this.injection;
    if (injection && this.count++ === injection.at) {
      this.injection = undefined;
      await injection.run();
    }
  }
}

const session = (user: string) =>
  ({
    cookie: {},
    auth: { user: { id: user }, authenticatedAt: Date.now(), mfa: 'none' },
    meta: { createdAt: Date.now(), lastSeenAt: Date.now(), handle: 'h' },
  }) as unknown as SessionData;

/**
 * A timer rotation (create new, leave a forward, end the old ID) racing a logout with the old
 * ID, injected before every single store operation of the other: whatever the interleaving,
 * no session survives the logout.
 */
describe.each(STORE_NAMES)('rotation against a concurrent logout on $name', ({ name }) => {
  let harness: StoreHarness;
  let store: InterleavingStore;
  let adapter: SessionRepository;
  const hasher = new SessionIdHasher('interleaving-secret-interleaving-secret');

  beforeAll(async () => {
    harness = await openStore(name, 'interleave');
    store = new InterleavingStore(harness.store);
    adapter = new SessionRepository(store, hasher, { storeTimeout: 2_000, storeBoundsItself: false });
  });
  afterAll(async () => {
    await harness?.close();
  });

  const write = (sid: string, sess: SessionData) => adapter.save(sid, sess, Date.now() + 60_000, { persisted: false });
  const logout = (sid: string) => adapter.remove(sid);
  const live = async (...sids: string[]) =>
    (await Promise.all(sids.map((sid) => harness.store.inner.get(hasher.storageKey(sid))))).filter((r) => r !== null).length;

  /** The old session exists; the rotating request has already stored the new one. */
  async function rotationHalfway(label: string): Promise<{ oldSid: string; newSid: string; sess: SessionData }> {
    const oldSid = `${label}-old`;
    const newSid = `${label}-new`;
    await write(oldSid, session(label));
    expect(await adapter.claimRotation(oldSid, 10_000)).toBe(true);
    const sess = session(label);
    await write(newSid, sess);
    expect(await live(oldSid, newSid)).toBe(2);
    return { oldSid, newSid, sess };
  }

  /** Store operations of a rotation's retire and of a logout: every one of them gets an injection. */
  const ROTATION_OPS = 3;
  const LOGOUT_OPS = 3;

  it(`a rotation makes ${ROTATION_OPS} store operations and a logout ${LOGOUT_OPS} (so the loops below cover every gap)`, async () => {
    const rotation = await rotationHalfway('count-r');
    store.arm(ROTATION_OPS, async () => undefined);
    await adapter.retire(rotation.oldSid, rotation.newSid, 10_000, rotation.sess);
    expect(store.fired).toBe(false);
    const logoutCase = await rotationHalfway('count-l');
    store.arm(LOGOUT_OPS, async () => undefined);
    await logout(logoutCase.oldSid);
    expect(store.fired).toBe(false);
    // Nothing left armed for the next test's set-up.
    store.arm(Number.POSITIVE_INFINITY, async () => undefined);
  });

  for (let at = 0; at < ROTATION_OPS; at++) {
    it(`logout injected before store operation ${at} of the rotation`, async () => {
      const { oldSid, newSid, sess } = await rotationHalfway(`r${at}`);
      store.arm(at, () => logout(oldSid));
      const retired = await adapter.retire(oldSid, newSid, 10_000, sess);
      // The rotation made that many operations: the logout really ran in the middle of it.
      expect(store.fired).toBe(true);
      expect(await live(oldSid, newSid)).toBe(0);
      // The rotation reports whether it outlived the logout; it never does silently.
      if (retired) expect(await live(newSid)).toBe(0);
    });
  }

  for (let at = 0; at < LOGOUT_OPS; at++) {
    it(`rotation injected before store operation ${at} of the logout`, async () => {
      const { oldSid, newSid, sess } = await rotationHalfway(`l${at}`);
      store.arm(at, async () => void (await adapter.retire(oldSid, newSid, 10_000, sess)));
      await logout(oldSid);
      expect(store.fired).toBe(true);
      expect(await live(oldSid, newSid)).toBe(0);
    });
  }

  it('only one of two parallel requests can claim a rotation', async () => {
    await write('claim-old', session('claim'));
    const claim = () => adapter.claimRotation('claim-old', 10_000);
    const claims = await Promise.all([claim(), claim()]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
