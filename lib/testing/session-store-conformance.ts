import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { SessionStore, StoredSession } from '../store/session-store.interface.js';

/** The two calls of your test framework the suite uses (Vitest, Jest, Mocha and `node:test` all have them). */
export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeout?: number): unknown;
}

/** How the suite gets a store to test. */
export interface SessionStoreConformanceOptions {
  /** A fresh, connected store; each test opens its own and closes it. */
  open(): SessionStore | Promise<SessionStore>;
  /** Ends a store after a test. @default `store.close()` */
  close?(store: SessionStore): Promise<void>;
  /**
   * The TTL, in ms, of the expiry tests; they wait about twice as long in real time. Raise it
   * for a backend with coarse expiry.
   * @default 300
   */
  ttlMs?: number;
  /** The timeout the suite passes to each `it`. @default 10_000 */
  timeout?: number;
}

/** A key no other test uses: 22 base64url characters, like the hashed session IDs the module writes. */
function freshKey(): string {
  return randomBytes(16).toString('base64url');
}

const record = (n: number): StoredSession => ({
  n,
  auth: { user: { id: 'u-1', roles: ['admin'] }, mfa: null },
  data: { cart: ['a', 'b'], note: 'héllo ✓', flag: true, nothing: null, nested: { deep: [1, 2.5, -3] } },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The contract every {@link SessionStore} must keep for the module, as tests: `create` writes
 * only when no live record has the key and wins for one of parallel callers; `update` never
 * creates (no resurrection after logout); records round-trip as JSON and expire after their
 * TTL; `destroy` is idempotent; `rotated:<key>` keys work like any other.
 *
 * ```ts
 * import { describe, it } from 'vitest';
 * describeSessionStoreConformance('MyStore', { open: () => new MyStore(...) }, { describe, it });
 * ```
 */
export function describeSessionStoreConformance(
  name: string,
  options: SessionStoreConformanceOptions,
  { describe, it }: ConformanceRunner,
): void {
  const ttl = options.ttlMs ?? 300;
  const timeout = options.timeout ?? 10_000;
  const test = (title: string, body: (store: SessionStore) => Promise<void>) =>
    it(
      title,
      async () => {
        const store = await options.open();
        try {
          await body(store);
        } finally {
          await (options.close ? options.close(store) : store.close());
        }
      },
      timeout,
    );

  describe(`${name} keeps the SessionStore contract`, () => {
    test('get of a key never written is null', async (store) => {
      assert.equal(await store.get(freshKey()), null);
    });

    test('a record round-trips as JSON', async (store) => {
      const key = freshKey();
      assert.equal(await store.set(key, record(1), 60_000, 'create'), true);
      assert.deepEqual(await store.get(key), record(1));
    });

    test('create writes only when no record has the key', async (store) => {
      const key = freshKey();
      assert.equal(await store.set(key, record(1), 60_000, 'create'), true);
      assert.equal(await store.set(key, record(2), 60_000, 'create'), false);
      assert.deepEqual(await store.get(key), record(1));
    });

    test('update writes only when the record exists, and never creates one', async (store) => {
      const key = freshKey();
      assert.equal(await store.set(key, record(1), 60_000, 'update'), false);
      assert.equal(await store.get(key), null);
      await store.set(key, record(1), 60_000, 'create');
      assert.equal(await store.set(key, record(2), 60_000, 'update'), true);
      assert.deepEqual(await store.get(key), record(2));
    });

    test('an update after destroy fails: a destroyed session is not resurrected', async (store) => {
      const key = freshKey();
      await store.set(key, record(1), 60_000, 'create');
      await store.destroy(key);
      assert.equal(await store.get(key), null);
      assert.equal(await store.set(key, record(2), 60_000, 'update'), false);
      assert.equal(await store.get(key), null);
    });

    test('destroy of a missing key is not an error', async (store) => {
      await store.destroy(freshKey());
    });

    test('of parallel creates of one key, exactly one wins', async (store) => {
      const key = freshKey();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, n) => store.set(key, record(n), 60_000, 'create')),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.deepEqual(await store.get(key), record(results.indexOf(true)));
    });

    test('rotated:<key> records are stored apart from <key>', async (store) => {
      const key = freshKey();
      await store.set(key, record(1), 60_000, 'create');
      assert.equal(await store.set(`rotated:${key}`, { to: 'next' }, 60_000, 'create'), true);
      assert.deepEqual(await store.get(`rotated:${key}`), { to: 'next' });
      assert.deepEqual(await store.get(key), record(1));
      await store.destroy(`rotated:${key}`);
      assert.deepEqual(await store.get(key), record(1));
    });

    test('a record is gone once its TTL passed; create works again, update does not', async (store) => {
      const key = freshKey();
      await store.set(key, record(1), ttl, 'create');
      assert.deepEqual(await store.get(key), record(1));
      await sleep(ttl * 2);
      assert.equal(await store.get(key), null);
      assert.equal(await store.set(key, record(2), 60_000, 'update'), false);
      assert.equal(await store.set(key, record(2), 60_000, 'create'), true);
    });

    test('an update sets a new TTL', async (store) => {
      const key = freshKey();
      await store.set(key, record(1), ttl, 'create');
      assert.equal(await store.set(key, record(2), 60_000, 'update'), true);
      await sleep(ttl * 2);
      assert.deepEqual(await store.get(key), record(2));
    });

    test('other keys are untouched by a write or destroy', async (store) => {
      const [a, b] = [freshKey(), freshKey()];
      await store.set(a, record(1), 60_000, 'create');
      await store.set(b, record(2), 60_000, 'create');
      await store.destroy(a);
      assert.deepEqual(await store.get(b), record(2));
    });
  });
}
