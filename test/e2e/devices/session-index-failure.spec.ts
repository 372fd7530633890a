import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Logger, type INestApplication } from '@nestjs/common';
import {
  MemorySessionIndex,
  SESSION_STORE,
  type MemorySessionStore,
  type SessionIndex,
  type SessionIndexEntry,
  type SessionIndexTarget,
} from '../../../lib/index.js';
import { COOKIE, createTestApp, DEVICE_APP_ROUTES, DevicesBrowser, testOptions } from '../../apps/test-app/index.js';

/** A working index that can be made to fail, as a Redis index does when Redis is away. */
class SwitchableIndex implements SessionIndex {
  readonly inner = new MemorySessionIndex();
  failing = false;
  put(userId: string, entry: SessionIndexEntry, now: number) {
    return this.run(() => this.inner.put(userId, entry, now));
  }
  replace(userId: string, entry: SessionIndexEntry, now: number) {
    return this.run(() => this.inner.replace(userId, entry, now));
  }
  list(userId: string, now: number) {
    return this.run(() => this.inner.list(userId, now));
  }
  get(userId: string, handle: string, now: number) {
    return this.run(() => this.inner.get(userId, handle, now));
  }
  remove(userId: string, targets: readonly SessionIndexTarget[], now: number) {
    return this.run(() => this.inner.remove(userId, targets, now));
  }
  close() {
    return this.inner.close();
  }
  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.failing ? Promise.reject(new Error('index unreachable')) : work();
  }
}

describe('when the session index fails', () => {
  const index = new SwitchableIndex();
  let app: INestApplication;
  let store: MemorySessionStore;
  const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

  beforeAll(async () => {
    app = await createTestApp({ session: testOptions({ store: { memory: {} }, sessionIndex: index }), routes: DEVICE_APP_ROUTES });
    store = app.get<MemorySessionStore>(SESSION_STORE);
  });
  afterAll(async () => {
    index.failing = false;
    await app.close();
    await index.close();
    errors.mockRestore();
  });

  async function loggedIn(user: string): Promise<DevicesBrowser> {
    const browser = new DevicesBrowser(app, 'UA');
    expect((await browser.post('/login', { user })).status).toBe(200);
    return browser;
  }

  it('a login answers 503 and leaves no session behind that the index would not know', async () => {
    const before = store.size;
    index.failing = true;
    const browser = new DevicesBrowser(app, 'UA');
    const res = await browser.post('/login', { user: 'fail-login' });
    index.failing = false;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'session_store_unavailable' });
    expect(store.size).toBe(before);
    expect((await browser.get('/me')).status).toBe(401);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('index unreachable'));
  });

  it('an ID change answers 503 and the session ends rather than live unindexed', async () => {
    const browser = await loggedIn('fail-rotate');
    index.failing = true;
    const res = await browser.post('/rotate');
    index.failing = false;
    expect(res.status).toBe(503);
    expect((await browser.get('/me')).status).toBe(401);
  });

  it('listing and revoking answer 503, never 500, and change nothing', async () => {
    const browser = await loggedIn('fail-list');
    const other = await loggedIn('fail-list');
    const [row] = (await browser.get('/api/sessions')).body as Array<{ id: string; current: boolean }>;
    index.failing = true;
    const answers = [
      await browser.get('/api/sessions'),
      await browser.delete(`/api/sessions/${row!.current ? 'A'.repeat(22) : row!.id}`),
      await browser.post('/api/sessions/revoke-others'),
      await browser.post('/admin/users/fail-list/revoke-all'),
    ];
    index.failing = false;
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'session_store_unavailable' });
    }
    expect((await other.get('/me')).status).toBe(200);
  });

  it('a logout still logs out (the record is gone; the entry is left to be pruned)', async () => {
    const browser = await loggedIn('fail-logout');
    const stolen = browser.clone();
    index.failing = true;
    const res = await browser.post('/logout');
    index.failing = false;
    expect(res.status).toBe(204);
    expect(browser.cookie(COOKIE)).toBeUndefined();
    expect((await stolen.get('/me')).status).toBe(401);
    // Its entry is still in the index, but it is neither listed nor counted.
    expect(await index.inner.list('fail-logout', Date.now())).toHaveLength(1);
    const again = await loggedIn('fail-logout');
    expect(((await again.get('/api/sessions')).body as unknown[]).length).toBe(1);
  });
});
