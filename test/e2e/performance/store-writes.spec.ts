import type { INestApplication } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryMfaStateStore,
  MemorySessionIndex,
  MemorySessionStore,
  MfaService,
  type SessionModuleOptions,
  type SessionStore,
  type StoredSession,
  type WriteMode,
} from '../../../lib/index.js';
import { Totp } from '../../../lib/mfa/totp.js';
import { BASIC_ROUTES, createTestApp, InMemoryMfaSecrets, testOptions } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';

/** A real store that counts what the module asks of it. */
class CountingStore implements SessionStore {
  readonly inner = new MemorySessionStore();
  calls: string[] = [];
  get(key: string) {
    // A destroy looks for a rotation forward of the key it ended (a logout with a just-rotated ID).
    this.calls.push(key.startsWith('rotated:') ? 'get:forward' : 'get');
    return this.inner.get(key);
  }
  set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode) {
    this.calls.push(`set:${mode}`);
    return this.inner.set(key, record, ttlMs, mode);
  }
  destroy(key: string) {
    this.calls.push('destroy');
    return this.inner.destroy(key);
  }
  close() {
    return this.inner.close();
  }
  take(): string[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

/** The counting store with the index and MFA state a custom store brings. */
function withStore(store: CountingStore, secrets: InMemoryMfaSecrets): Partial<SessionModuleOptions> {
  return {
    store,
    sessionIndex: new MemorySessionIndex(),
    mfa: { secretStore: secrets, issuer: 'Test', stateStore: new MemoryMfaStateStore() },
  };
}

/** T03 fixation stays intact while the store does only the work each step needs. */
describe('T03 store operations per request', () => {
  let app: INestApplication;
  let store: CountingStore;
  const secrets = new InMemoryMfaSecrets();

  beforeEach(() => {
    store = new CountingStore();
  });

  afterEach(async () => {
    await app?.close();
    await store.close();
  });

  it('a first login writes once and destroys nothing (there was no stored session)', async () => {
    app = await createTestApp({ session: testOptions(withStore(store, secrets)), routes: BASIC_ROUTES });
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    expect(store.take()).toEqual(['set:create']);
    expect((await browser.get('/me')).status).toBe(200);
    expect(store.take()).toEqual(['get']);
  });

  it('a login from a stored anonymous session destroys it and writes the new one once', async () => {
    app = await createTestApp({ session: testOptions(withStore(store, secrets)), routes: BASIC_ROUTES });
    const browser = new BrowserClient(app);
    await browser.post('/cart', { item: 'apple' });
    const before = browser.clone();
    store.take();
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    // An ID younger than the rotation interval has no forward to follow; delete and create go out together.
    expect(store.take()).toEqual(['get', 'destroy', 'set:create']);
    expect(store.inner.size).toBe(1);
    expect((await before.get('/me')).status).toBe(401);
  });

  it('MFA verification destroys the pending session and writes the verified one once', async () => {
    const totp = new Totp({ pastSteps: 1 });
    const secret = Totp.generateSecret();
    app = await createTestApp({ session: testOptions(withStore(store, secrets)), routes: BASIC_ROUTES });
    await app.get(MfaService).importEnrollment('mallory', secret);
    const browser = new BrowserClient(app);
    expect((await browser.post('/login', { user: 'mallory' })).body).toMatchObject({ mfa: 'required' });
    const pending = browser.clone();
    store.take();
    const code = await totp.generate(secret);
    expect((await browser.post('/mfa/verify', { code })).status).toBe(200);
    // An ID younger than the rotation interval has no forward to follow; delete and create go out together.
    expect(store.take()).toEqual(['get', 'destroy', 'set:create']);
    expect((await browser.get('/me')).status).toBe(200);
    expect((await pending.get('/me')).status).toBe(401);
  });
});
