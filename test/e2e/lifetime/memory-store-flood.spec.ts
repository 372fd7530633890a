import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../lib/store/memory-session.store.js';
import { createTestApp, DATA_APP_ROUTES, type RunningApp, startApp, TEST_SECRET } from '../../apps/test-app/index.js';
import type { BrowserClient } from '../../support/http-client.js';
import { sendInProcess, type RequestHandler } from '../../support/in-process-request.js';
import { STORES } from '../../support/stores.js';

const MAX_SESSIONS = 50;
const USERS = 20;
const FLOOD = Number(process.env.FLOOD ?? 100_000);

describe('the embedded store under a flood of anonymous requests (through the module)', () => {
  let running: RunningApp;
  let store: MemorySessionStore;
  let users: BrowserClient[];

  beforeEach(async () => {
    const memory = STORES.find((s) => s.name === 'memory')!;
    running = await startApp(memory, [TEST_SECRET], () => createTestApp({ session: { store: { memory: { maxSessions: MAX_SESSIONS } } }, routes: DATA_APP_ROUTES }));
    store = running.store as MemorySessionStore;
    expect(store).toBeInstanceOf(MemorySessionStore);
    users = [];
    for (let i = 0; i < USERS; i++) {
      const browser = running.browser();
      expect((await browser.post('/login', { user: `user-${i}` })).status).toBe(200);
      users.push(browser);
    }
    expect(store.size).toBe(USERS);
  });
  afterEach(() => running.close());

  async function expectEveryUserLoggedIn(): Promise<void> {
    for (let i = 0; i < USERS; i++) expect((await users[i]!.get('/whoami')).body.user).toBe(`user-${i}`);
  }

  it('stores nothing for 1,000 anonymous requests without a cookie or with made-up ones', async () => {
    const server = running.app.getHttpServer();
    for (let i = 0; i < 1_000; i++) {
      const forged = `__Host-sid=${encodeURIComponent(`s:${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64').replace(/=+$/, '')}`)}`;
      const test = i % 2 === 0 ? request(server).get('/data') : request(server).post('/data/unset').send({ key: 'cart' });
      test.set('X-Forwarded-Proto', 'https');
      if (i % 4 < 2) test.set('Cookie', forged);
      const res = await test;
      expect(res.status).toBeLessThan(300);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(store.size).toBe(USERS);
    await expectEveryUserLoggedIn();
  });

  it('stores nothing for 100,000 anonymous requests with fresh cookies (in process, no TCP), and every user stays logged in', async () => {
    const handler = running.app.getHttpAdapter().getInstance() as RequestHandler;
    // A full collection before each reading, so the heap compares what is kept, not what awaits collection.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const IN_FLIGHT = 50;
    let sent = 0;
    const worker = async () => {
      while (sent < FLOOD) {
        const i = sent++;
        const fresh = `s:${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64').replace(/=+$/, '')}`;
        const answer = await sendInProcess(handler, 'GET', '/data', {
          host: 'localhost',
          'x-forwarded-proto': 'https',
          ...(i % 3 === 0 ? {} : { cookie: `__Host-sid=${encodeURIComponent(fresh)}` }),
        });
        if (answer.status >= 300 || answer.setCookie.length > 0) throw new Error(`request ${i}: ${answer.status} ${answer.setCookie.join()}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(sent).toBeGreaterThanOrEqual(FLOOD);
    expect(store.size).toBe(USERS);
    // Bounded: nothing per request is kept (measured: under 1 MB; 100,000 stored records would take tens of MB).
    gc();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
    await expectEveryUserLoggedIn();
  }, 120_000);

  it('keeps every logged-in session when 500 anonymous sessions store data, within maxSessions', async () => {
    for (let i = 0; i < 500; i++) {
      expect((await running.browser().post('/data/entry', { key: 'cart', value: i })).status).toBe(204);
      expect(store.size).toBeLessThanOrEqual(MAX_SESSIONS);
    }
    expect(store.size).toBe(MAX_SESSIONS);
    await expectEveryUserLoggedIn();
  });
});
