import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClientBindingOptions, SessionEvent } from '../../../lib/index.js';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { expiresSessionCookie, sessionCookies } from '../../support/session-cookie.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** A client that always sends the same User-Agent and client IP (through the trusted proxy header). */
function client(app: INestApplication, userAgent: string, ip: string, from?: BrowserClient) {
  const browser = from ? from.clone() : new BrowserClient(app);
  const headers = { 'user-agent': userAgent, 'x-forwarded-for': ip };
  return {
    browser,
    get: (path: string) => browser.get(path, headers),
    post: (path: string, body?: object) => browser.post(path, body, headers),
  };
}

/** CS-20 binding to client properties: each attribute under its policy. */
describe.each(STORE_NAMES)('client binding (CS-20) on $name', ({ name }) => {
  let harness: StoreHarness;
  const apps: INestApplication[] = [];
  const events: SessionEvent[] = [];

  beforeAll(async () => {
    harness = await openStore(name, 'binding');
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await harness?.close();
  });
  beforeEach(() => {
    events.length = 0;
  });

  async function appWith(binding?: ClientBindingOptions): Promise<INestApplication> {
    const app = await createTestApp({ session: {
      store: harness.store,
      ...(binding ? { binding } : {}),
      // Binding events only: login and logout events are t22-auth-events' subject.
      onEvent: (event) => void (event.type === 'login' || event.type === 'logout' || events.push(event)),
    }, routes: LIFETIME_APP_ROUTES, listen: true });
    apps.push(app);
    return app;
  }

  async function victim(app: INestApplication, userAgent = FIREFOX, ip = '198.51.100.7') {
    const user = client(app, userAgent, ip);
    expect((await user.post('/login', { user: 'alice' })).status).toBe(200);
    expect((await user.get('/me')).status).toBe(200);
    return user;
  }

  describe('defaults', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await appWith();
    });

    it('stops a stolen cookie used from another browser, and ends the session for both', async () => {
      const user = await victim(app);
      const thief = client(app, CHROME, '198.51.100.7', user.browser);
      const stolen = await thief.get('/me');
      expect(stolen.status).toBe(401);
      expect(expiresSessionCookie(stolen)).toBe(true);
      const attributes = { path: '/', httponly: true, secure: true, samesite: 'Lax' };
      expect(sessionCookies(stolen)[0]!.attributes).toMatchObject(attributes);
      expect((await user.get('/me')).status).toBe(401);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'session.binding_mismatch',
          attribute: 'userAgent',
          policy: 'strict',
          expected: FIREFOX,
          actual: CHROME,
          userId: 'alice',
        }),
      ]);
    });

    it('keeps a mobile user whose IP changes logged in, and reports the change once', async () => {
      const user = await victim(app, FIREFOX, '198.51.100.7');
      const moved = client(app, FIREFOX, '203.0.113.50', user.browser);
      for (let i = 0; i < 3; i++) expect((await moved.get('/me')).status).toBe(200);
      expect(events).toEqual([
        expect.objectContaining({ attribute: 'ip', policy: 'warn', expected: '198.51.100.7', actual: '203.0.113.50' }),
      ]);
      // Back home, then away again: reported again.
      expect((await user.get('/me')).status).toBe(200);
      expect((await moved.get('/me')).status).toBe(200);
      expect(events).toHaveLength(2);
    });

    it('treats addresses in the same IPv4 /24 as the same client', async () => {
      const user = await victim(app, FIREFOX, '198.51.100.7');
      expect((await client(app, FIREFOX, '198.51.100.200', user.browser).get('/me')).status).toBe(200);
      expect(events).toEqual([]);
    });

    it('treats addresses in the same IPv6 /64 as the same client', async () => {
      const user = await victim(app, FIREFOX, '2001:db8:1:2::10');
      expect((await client(app, FIREFOX, '2001:db8:1:2:aaaa::1', user.browser).get('/me')).status).toBe(200);
      expect(events).toEqual([]);
      expect((await client(app, FIREFOX, '2001:db8:1:3::10', user.browser).get('/me')).status).toBe(200);
      expect(events).toEqual([expect.objectContaining({ attribute: 'ip', policy: 'warn' })]);
    });
  });

  describe("userAgent 'warn'", () => {
    it('reports another browser once and lets it through', async () => {
      const app = await appWith({ userAgent: 'warn' });
      const user = await victim(app);
      const other = client(app, CHROME, '198.51.100.7', user.browser);
      expect((await other.get('/me')).status).toBe(200);
      expect((await other.get('/me')).status).toBe(200);
      expect(events).toEqual([expect.objectContaining({ attribute: 'userAgent', policy: 'warn', actual: CHROME })]);
    });
  });

  describe("userAgent 'off'", () => {
    it('ignores the User-Agent entirely', async () => {
      const app = await appWith({ userAgent: 'off' });
      const user = await victim(app);
      expect((await client(app, CHROME, '198.51.100.7', user.browser).get('/me')).status).toBe(200);
      expect(events).toEqual([]);
    });
  });

  describe("ip 'strict' by prefix", () => {
    it('ends the session from another network and keeps it within the same /24', async () => {
      const app = await appWith({ ip: 'strict' });
      const user = await victim(app, FIREFOX, '198.51.100.7');
      expect((await client(app, FIREFOX, '198.51.100.99', user.browser).get('/me')).status).toBe(200);
      expect((await client(app, FIREFOX, '192.0.2.1', user.browser).get('/me')).status).toBe(401);
      expect((await user.get('/me')).status).toBe(401);
      expect(events).toEqual([expect.objectContaining({ attribute: 'ip', policy: 'strict', actual: '192.0.2.1' })]);
    });
  });

  describe("ip 'strict' exact", () => {
    it('ends the session from another address of the same /24', async () => {
      const app = await appWith({ ip: 'strict', ipMatch: 'exact' });
      const user = await victim(app, FIREFOX, '198.51.100.7');
      expect((await client(app, FIREFOX, '::ffff:198.51.100.7', user.browser).get('/me')).status).toBe(200);
      expect((await client(app, FIREFOX, '198.51.100.8', user.browser).get('/me')).status).toBe(401);
    });
  });

  describe("ip 'off'", () => {
    it('neither reports nor ends anything on an IP change', async () => {
      const app = await appWith({ ip: 'off' });
      const user = await victim(app, FIREFOX, '198.51.100.7');
      expect((await client(app, FIREFOX, '192.0.2.1', user.browser).get('/me')).status).toBe(200);
      expect(events).toEqual([]);
    });
  });

  it('never puts a session ID or cookie value into an event', async () => {
    const app = await appWith({ userAgent: 'warn', ip: 'warn' });
    const user = await victim(app);
    const cookie = decodeURIComponent(user.browser.cookie('__Host-sid')!);
    const id = cookie.slice(2, cookie.lastIndexOf('.'));
    await client(app, CHROME, '192.0.2.1', user.browser).get('/me');
    expect(events).toHaveLength(2);
    const serialized = JSON.stringify(events);
    expect(serialized).not.toContain(id);
    expect(serialized).not.toContain(cookie.slice(cookie.lastIndexOf('.') + 1));
  });
});
