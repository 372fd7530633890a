import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../lib/store/memory-session.store.js';
import { startApp, type RunningApp } from '../../apps/kit/running-app.js';
import { createSessionDataApp, SESSION_DATA_SECRET } from '../../apps/session-data/session-data.app.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';

const MAX_SESSIONS = 50;
const USERS = 20;

describe('the embedded store under a flood of anonymous requests (through the module)', () => {
  let running: RunningApp;
  let store: MemorySessionStore;
  let users: BrowserClient[];

  beforeEach(async () => {
    const memory = STORES.find((s) => s.name === 'memory')!;
    running = await startApp(memory, [SESSION_DATA_SECRET], () => createSessionDataApp({ store: { memory: { maxSessions: MAX_SESSIONS } } }));
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
    for (let i = 0; i < USERS; i++) expect((await users[i]!.get('/me')).body.user).toBe(`user-${i}`);
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

  it('keeps every logged-in session when 500 anonymous sessions store data, within maxSessions', async () => {
    for (let i = 0; i < 500; i++) {
      expect((await running.browser().post('/data', { key: 'cart', value: i })).status).toBe(204);
      expect(store.size).toBeLessThanOrEqual(MAX_SESSIONS);
    }
    expect(store.size).toBe(MAX_SESSIONS);
    await expectEveryUserLoggedIn();
  });
});
