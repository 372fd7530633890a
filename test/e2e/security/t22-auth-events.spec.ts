import type { INestApplication } from '@nestjs/common';
import type { Request } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MemorySessionIndex,
  SessionService,
  type SessionEvent,
  type SessionStore,
  type StoredSession,
  type WriteMode,
} from '../../../lib/index.js';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { openStore, STORE_NAMES, type StoreHarness } from '../../support/store-harness.js';

const MINUTE = 60_000;
const IDLE = 30 * MINUTE;
const ABSOLUTE = 2 * 60 * MINUTE;

/**
 * A store that keeps records past their TTL, as Redis does on real time while the test's clock
 * jumps: the request then finds its expired session and the module must end (and report) it.
 */
class LingeringStore implements SessionStore {
  readonly records = new Map<string, string>();
  async get(key: string): Promise<StoredSession | null> {
    const json = this.records.get(key);
    return json === undefined ? null : (JSON.parse(json) as StoredSession);
  }
  async set(key: string, record: StoredSession, _ttlMs: number, mode: WriteMode): Promise<boolean> {
    if ((mode === 'create') === this.records.has(key)) return false;
    this.records.set(key, JSON.stringify(record));
    return true;
  }
  async destroy(key: string): Promise<void> {
    this.records.delete(key);
  }
  async close(): Promise<void> {}
}

describe.each(STORE_NAMES)('T22 login, logout and expiry events on $name', ({ name }) => {
  let app: INestApplication;
  let harness: StoreHarness | undefined;
  let index: MemorySessionIndex | undefined;
  let events: SessionEvent[];
  let clock: FakeClock | undefined;

  beforeEach(async () => {
    events = [];
    const onEvent = (event: SessionEvent) => void events.push(event);
    const timeouts = { idleTimeout: IDLE, absoluteTimeout: ABSOLUTE, rotateInterval: ABSOLUTE };
    if (name === 'redis') {
      harness = await openStore('redis', 't22-events');
      app = await createTestApp({ session: { store: harness.store, onEvent, ...timeouts }, routes: LIFETIME_APP_ROUTES, listen: true });
    } else {
      index = new MemorySessionIndex();
      app = await createTestApp({ session: { store: new LingeringStore(), sessionIndex: index, onEvent, ...timeouts }, routes: LIFETIME_APP_ROUTES, listen: true });
    }
  });
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await app?.close();
    await harness?.close();
    await index?.close();
    harness = undefined;
    index = undefined;
  });

  async function login(user = 'alice'): Promise<BrowserClient> {
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user }, { 'User-Agent': 'UA/1' })).status).toBe(200);
    return browser;
  }

  const ofType = <T extends SessionEvent['type']>(type: T) =>
    events.filter((event): event is Extract<SessionEvent, { type: T }> => event.type === type);

  it('a login emits `login` with the user, the new device handle and the MFA state; logout emits `logout` for the same device', async () => {
    const browser = await login();
    const handle = (await browser.get('/me', { 'User-Agent': 'UA/1' })).body.handle;
    expect(ofType('login')).toEqual([
      { type: 'login', mfa: 'none', userId: 'alice', handle, ip: expect.any(String), userAgent: 'UA/1', timestamp: expect.any(Number) },
    ]);
    expect(ofType('logout')).toEqual([]);
    expect((await browser.post('/logout', undefined, { 'User-Agent': 'UA/1' })).status).toBe(204);
    expect(ofType('logout')).toEqual([
      { type: 'logout', userId: 'alice', handle, ip: expect.any(String), userAgent: 'UA/1', timestamp: expect.any(Number) },
    ]);
  });

  it('an anonymous logout emits nothing', async () => {
    expect((await new BrowserClient(app).post('/logout')).status).toBe(204);
    expect(events).toEqual([]);
  });

  it('a request to a session idle for idleTimeout emits `session.expired` (idle) and is anonymous', async () => {
    clock = useFakeClock();
    const browser = await login();
    const handle = (await browser.get('/me', { 'User-Agent': 'UA/1' })).body.handle;
    clock.advance(IDLE);
    expect((await browser.get('/me', { 'User-Agent': 'UA/1' })).status).toBe(401);
    expect(ofType('session.expired')).toEqual([expect.objectContaining({ reason: 'idle', userId: 'alice', handle })]);
  });

  it('a request to a session past absoluteTimeout emits `session.expired` (absolute), however active', async () => {
    clock = useFakeClock();
    const browser = await login();
    for (let elapsed = 0; elapsed + IDLE / 2 < ABSOLUTE; elapsed += IDLE / 2) {
      clock.advance(IDLE / 2);
      expect((await browser.get('/me', { 'User-Agent': 'UA/1' })).status).toBe(200);
    }
    clock.advance(IDLE / 2);
    expect((await browser.get('/me', { 'User-Agent': 'UA/1' })).status).toBe(401);
    expect(ofType('session.expired')).toEqual([expect.objectContaining({ reason: 'absolute', userId: 'alice' })]);
  });

  it('recordLoginFailure emits `login_failed` with the reason and a bounded username, and refuses an unknown reason', async () => {
    const sessions = app.get(SessionService);
    const req = { ip: '203.0.113.9', get: (header: string) => (header === 'user-agent' ? 'UA/1' : undefined) } as unknown as Request;
    sessions.recordLoginFailure(req, { reason: 'invalid_credentials', username: 'x'.repeat(1_000) });
    sessions.recordLoginFailure(req, { reason: 'throttled', userId: 'alice' });
    expect(ofType('login_failed')).toEqual([
      { type: 'login_failed', reason: 'invalid_credentials', username: 'x'.repeat(256), userId: undefined, handle: undefined, ip: '203.0.113.9', userAgent: 'UA/1', timestamp: expect.any(Number) },
      { type: 'login_failed', reason: 'throttled', userId: 'alice', handle: undefined, ip: '203.0.113.9', userAgent: 'UA/1', timestamp: expect.any(Number) },
    ]);
    expect(() => sessions.recordLoginFailure(req, { reason: 'wrong' as 'throttled' })).toThrow(TypeError);
  });
});
