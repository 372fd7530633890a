import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryMfaStateStore, MemorySessionIndex, MemorySessionStore, type SessionStore, type StoredSession, type WriteMode } from '../../../lib/index.js';
import { BASIC_ROUTES, createTestApp, InMemoryMfaSecrets, testOptions } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';

/** A real store that, once armed, hands out records whose module fields have the wrong types. */
class CorruptingStore implements SessionStore {
  readonly inner = new MemorySessionStore();
  corrupt: ((record: StoredSession) => StoredSession) | undefined;
  async get(key: string) {
    const record = await this.inner.get(key);
    return record && this.corrupt ? this.corrupt(record) : record;
  }
  set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode) {
    return this.inner.set(key, record, ttlMs, mode);
  }
  destroy(key: string) {
    return this.inner.destroy(key);
  }
  close() {
    return this.inner.close();
  }
}

/**
 * Someone with write access to the store (or a bug elsewhere) leaves a record whose module fields
 * have the wrong types. Such a writer owns the sessions anyway; what the module owes is an answer:
 * never a hang (a check that throws marks the request, guarded routes then answer 503), never a
 * stack trace in the body.
 */
describe('a stored record whose module fields have the wrong types', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
  });

  const corruptions: Array<[string, (record: StoredSession) => StoredSession]> = [
    ['meta is a string', (record) => ({ ...record, meta: 'corrupt' })],
    ['meta.createdAt is an object', (record) => ({ ...record, meta: { ...(record['meta'] as object), createdAt: {}, lastSeenAt: {} } })],
    ['auth is a number', (record) => ({ ...record, auth: 5 })],
  ];

  it.each(corruptions)('%s: the guarded read answers, without a stack trace', async (_name, corrupt) => {
    const store = new CorruptingStore();
    app = await createTestApp({ session: testOptions({
          store,
          sessionIndex: new MemorySessionIndex(),
          mfa: { secretStore: new InMemoryMfaSecrets(), issuer: 'Test', stateStore: new MemoryMfaStateStore() },
        }), routes: BASIC_ROUTES });
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    store.corrupt = corrupt;
    const res = await browser.get('/me');
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});
