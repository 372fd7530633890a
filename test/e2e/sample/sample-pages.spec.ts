import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORES } from '../../support/stores.js';
import { ALICE, APP_ORIGIN, enrolMfa, expectError, login, SampleHarness } from './sample-harness.js';

const PAGES = ['/login', '/mfa', '/dashboard', '/mfa/enroll', '/devices', '/security'];
const ASSETS = ['app.js', 'login.js', 'mfa.js', 'dashboard.js', 'enroll.js', 'devices.js', 'security.js', 'style.css'];

describe.each(STORES)('sample pages on $name', (store) => {
  const sample = new SampleHarness(store, 'sample-pages');
  beforeEach(() => sample.start());
  afterEach(() => sample.stop());
  afterAll(() => sample.cleanUp());

  it('GET / sends people where they stand: /login, /mfa, /dashboard', async () => {
    const client = sample.client();
    const anonymous = await client.get('/');
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers['location']).toBe('/login');

    await login(client, ALICE);
    expect((await client.get('/')).headers['location']).toBe('/dashboard');

    await enrolMfa(client);
    await login(client, ALICE);
    expect((await client.get('/')).headers['location']).toBe('/mfa');
  });

  it.each(PAGES)('%s is an HTML page under a strict CSP, scripts from our origin only, carrying APP_ORIGIN', async (path) => {
    const res = await sample.client().get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain(`<meta name="app-origin" content="${APP_ORIGIN}">`);
    expect(res.text).toMatch(/<script type="module" src="\/assets\/[a-z]+\.js"><\/script>/);
    // No inline script: the CSP would block it.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it.each(ASSETS)('serves /assets/%s with its content type', async (name) => {
    const res = await sample.client().get(`/assets/${name}`);
    expect(res.status).toBe(200);
    const type = name.endsWith('.js') ? 'text/javascript' : 'text/css';
    expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
    expect(res.text.length).toBeGreaterThan(100);
  });

  it('serves nothing outside the asset list', async () => {
    for (const path of ['/assets/pages.controller.ts', '/assets/..%2Fpages.controller.ts', '/assets/login.html']) {
      expectError(await sample.client().get(path), 404, 'not_found');
    }
  });
});
