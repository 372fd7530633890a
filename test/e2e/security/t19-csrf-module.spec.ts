import { Logger, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, CSRF_APP_ROUTES } from '../../apps/test-app/index.js';
import { BrowserClient, setCookies } from '../../support/http-client.js';
import { STORES, uniquePrefix } from '../../support/stores.js';

const APP = 'https://app.example.test';
const EVIL = 'https://evil.example';
const UNSAFE = ['post', 'put', 'patch', 'delete'] as const;

/** A cookie-keeping client that can also PUT and PATCH (BrowserClient speaks GET, POST, DELETE). */
class Browser extends BrowserClient {
  call(method: (typeof UNSAFE)[number] | 'get' | 'head' | 'options', path: string, headers: Record<string, string> = {}) {
    const test = request(this.app.getHttpServer())[method](path).set('X-Forwarded-Proto', 'https');
    if (this.jar.size > 0) test.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    for (const [name, value] of Object.entries(headers)) test.set(name, value);
    return test;
  }
}

function expectCsrf(res: request.Response, label?: string): void {
  expect(res.status, label).toBe(403);
  expect(res.body, label).toEqual({ error: 'csrf', message: expect.any(String) });
  expect(setCookies(res), label).toEqual([]);
}

describe.each(STORES)('T19 the module\'s CSRF check on $name', (store) => {
  describe('with allowedOrigins', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({ session: { store: store.options(uniquePrefix('t19-module')), csrf: { allowedOrigins: [APP] } }, routes: CSRF_APP_ROUTES });
    });
    afterAll(() => app?.close());

    async function loggedIn(): Promise<Browser> {
      const browser = new Browser(app);
      expect((await browser.post('/login', undefined, { Origin: APP })).status).toBe(200);
      return browser;
    }

    it.each(UNSAFE)('%s: an allowed Origin passes; a foreign, null or cross-site one is 403 csrf and changes nothing', async (method) => {
      const browser = await loggedIn();
      expect((await browser.call(method, '/count', { Origin: APP, 'Sec-Fetch-Site': 'same-origin' })).body).toEqual({ count: 1 });
      const refused: Record<string, string>[] = [
        { Origin: EVIL },
        { Origin: 'null' },
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.example.test' },
      ];
      for (const headers of refused) {
        expectCsrf(await browser.call(method, '/count', headers), JSON.stringify(headers));
      }
      expect((await browser.get('/count')).body).toEqual({ count: 1 });
    });

    it('without Origin, a Referer on an allowed origin passes and a foreign or broken one is refused', async () => {
      const browser = await loggedIn();
      expect((await browser.call('post', '/count', { Referer: `${APP}/cart?step=2` })).status).toBe(200);
      expectCsrf(await browser.call('post', '/count', { Referer: `${EVIL}/${APP}` }));
      expectCsrf(await browser.call('post', '/count', { Referer: 'not a url' }));
      expect((await browser.get('/count')).body).toEqual({ count: 1 });
    });

    it('a state change with the cookie but no Origin, Referer or Sec-Fetch-Site passes (not a browser; see requireOrigin)', async () => {
      const browser = await loggedIn();
      expect((await browser.call('post', '/count')).body).toEqual({ count: 1 });
    });

    it.each(['get', 'head', 'options'] as const)('%s passes whatever it says about its origin', async (method) => {
      const browser = await loggedIn();
      const res = await browser.call(method, '/count', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' });
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    });

    it('a refused login creates no session (login CSRF)', async () => {
      expectCsrf(await new Browser(app).call('post', '/login', { Origin: EVIL }));
    });

    it('Authorization: Bearer without the session cookie is exempt; beside the cookie it is not', async () => {
      const bearer = { Authorization: 'Bearer some.jwt.token', Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' };
      const tokenOnly = new Browser(app);
      expect((await tokenOnly.call('post', '/api/token-action', bearer)).status).toBe(200);
      const browser = await loggedIn();
      expectCsrf(await browser.call('post', '/api/token-action', bearer));
      expectCsrf(await browser.call('post', '/count', bearer));
    });
  });

  describe('defaults and options', () => {
    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
      vi.restoreAllMocks();
    });

    it('without allowedOrigins, the request\'s own origin (scheme and Host) is the one allowed', async () => {
      app = await createTestApp({ session: { store: store.options(uniquePrefix('t19-module')) }, routes: CSRF_APP_ROUTES });
      const browser = new Browser(app);
      expect((await browser.call('post', '/count', { Origin: EVIL })).status).toBe(403);
      const res = await request(app.getHttpServer())
        .post('/count')
        .set('X-Forwarded-Proto', 'https')
        .set('Host', 'app.internal:8080')
        .set('Origin', 'https://app.internal:8080');
      expect(res.status).toBe(200);
      const plain = await request(app.getHttpServer()).post('/count').set('Host', 'app.internal:8080').set('Origin', 'https://app.internal:8080');
      expectCsrf(plain, 'scheme differs: http request, https Origin');
      // Behind a trusted proxy (the fixture trusts loopback), X-Forwarded-Host names the public host.
      const proxied = (origin: string) =>
        request(app!.getHttpServer())
          .post('/count')
          .set('X-Forwarded-Proto', 'https')
          .set('X-Forwarded-Host', 'app.example.test')
          .set('Host', 'internal:3000')
          .set('Origin', origin);
      expect((await proxied(APP)).status).toBe(200);
      expectCsrf(await proxied('https://internal:3000'), 'the internal name is not the public origin');
    });

    it('requireOrigin: a state change with the session cookie and no provenance header is refused; without the cookie it passes', async () => {
      app = await createTestApp({ session: { store: store.options(uniquePrefix('t19-module')), csrf: { allowedOrigins: [APP], requireOrigin: true } }, routes: CSRF_APP_ROUTES });
      const browser = new Browser(app);
      expect((await browser.post('/login')).status).toBe(200);
      expectCsrf(await browser.call('post', '/count'));
      expect((await new Browser(app).call('post', '/count')).status).toBe(200);
      expect((await browser.call('post', '/count', { Origin: APP })).body).toEqual({ count: 1 });
    });

    it('csrf: false logs a warning at start-up and lets a cross-site state change through', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      app = await createTestApp({ session: { store: store.options(uniquePrefix('t19-module')), csrf: false }, routes: CSRF_APP_ROUTES });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^csrf is false/));
      const browser = new Browser(app);
      expect((await browser.call('post', '/count', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(200);
    });

    it('the default logs no CSRF warning', async () => {
      const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      app = await createTestApp({ session: { store: store.options(uniquePrefix('t19-module')) }, routes: CSRF_APP_ROUTES });
      expect(warn.mock.calls.filter(([message]) => /csrf/i.test(String(message)))).toEqual([]);
    });
  });
});
