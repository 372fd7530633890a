import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../../lib/index.js';
import { TestBrowser } from '../../../lib/testing/index.js';
import { readSampleConfig } from '../../../sample/config/sample.config.js';
import { createSampleApp } from '../../../sample/sample.app.js';
import { STORES } from '../../support/stores.js';
import { freePort } from '../../support/free-port.js';
import { BACKCHANNEL_PATH, SSO_SECRET, SsoWorld } from '../../support/oidc/sso-apps.js';
import { rsaKey, TestProvider } from '../../support/oidc/test-provider.js';

const CALLBACK = '/api/auth/oidc/callback';

/**
 * The sample's OIDC routes under bad input, without a browser: the callback refuses anything
 * but the provider's answer to a login this session started (400, never a 500), the
 * back-channel route is exempt from the CSRF check and nothing else is, and without
 * OIDC_ISSUER the routes do not exist.
 */
describe.each(STORES)('OIDC routes under malformed input on $name', (store) => {
  const world = new SsoWorld(store, 1);
  beforeAll(() => world.start(), 30_000);
  afterAll(() => world.close(), 60_000);

  const browser = () => new TestBrowser(world.apps[0]!.apps[0]!, { https: false, headers: { 'User-Agent': 'oidc-input-test' } });

  /** A browser that started a login: its session holds state, nonce and verifier. @returns the state sent to the provider. */
  const started = async (client: TestBrowser): Promise<string> => {
    const res = await client.get('/api/auth/oidc/login');
    expect(res.status).toBe(302);
    const location = new URL(res.headers['location']!);
    expect(location.origin).toBe(world.op.issuer);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('nonce')).toEqual(expect.any(String));
    return location.searchParams.get('state')!;
  };

  const expectCallbackRefused = async (client: TestBrowser, query: string) => {
    const res = await client.get(`${CALLBACK}${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_oidc_callback', message: expect.any(String) });
  };

  it('a callback without a login in progress (no cookie, or a session that never started one) is 400', async () => {
    await expectCallbackRefused(browser(), '?code=abc&state=xyz');
  });

  it('a wrong state is 400, and the pending login is used up (the right state afterwards is 400 too)', async () => {
    const client = browser();
    const state = await started(client);
    await expectCallbackRefused(client, `?code=abc&state=wrong-${state}`);
    await expectCallbackRefused(client, `?code=abc&state=${encodeURIComponent(state)}`);
  });

  it("the provider's error answer, a missing code and a forged code are 400", async () => {
    for (const query of ['?error=access_denied&state=S', '?state=S', '?code=forged-code&state=S']) {
      const client = browser();
      const state = await started(client);
      await expectCallbackRefused(client, query.replace('S', encodeURIComponent(state)));
    }
  });

  it('malformed callbacks: lone surrogates, NUL, a 12 KB query, repeated and __proto__ parameters are 400', async () => {
    const queries = (state: string) => [
      `?code=%ED%A0%80&state=${state}`,
      `?code=a%00b&state=${state}%00`,
      `?code=${'a'.repeat(12_000)}&state=${state}`,
      `?code=a&code=b&state=${state}&state=${state}`,
      `?__proto__[state]=${state}&code=a`,
      `?state[]=${state}&code[__proto__]=a`,
    ];
    for (const index of queries('x').keys()) {
      const client = browser();
      const state = encodeURIComponent(await started(client));
      await expectCallbackRefused(client, queries(state)[index]!);
    }
  });

  it('the back-channel route is exempt from the CSRF check, exactly that path and method', async () => {
    const hostile = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', Cookie: 'sid=s%3Aforged.sig' };
    const base = world.apps[0]!.instances[0]!;
    const exempt = await fetch(`${base}${BACKCHANNEL_PATH}`, {
      method: 'POST',
      headers: { ...hostile, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'logout_token=not.a.token',
    });
    expect(exempt.status).toBe(400);
    expect(await exempt.json()).toMatchObject({ error: 'invalid_logout_token' });
    expect(exempt.headers.get('set-cookie')).toBeNull();
    // A path below it is an ordinary route: the CSRF check refuses it.
    const below = await fetch(`${base}${BACKCHANNEL_PATH}/x`, {
      method: 'POST',
      headers: { ...hostile, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'logout_token=not.a.token',
    });
    expect(below.status).toBe(403);
    expect(await below.json()).toMatchObject({ error: 'csrf' });
    const get = await fetch(`${base}${BACKCHANNEL_PATH}`);
    expect(get.status).toBe(404);
  });
});

describe('the sample without OIDC_ISSUER', () => {
  it('has no single sign-on routes and no link on the login page', async () => {
    const app = await createSampleApp(readSampleConfig({ SESSION_SECRET: SSO_SECRET, APP_ORIGIN: 'http://localhost:3000' }), { logger: false });
    try {
      const client = new TestBrowser(app, { https: false });
      expect((await client.get('/api/auth/oidc/login')).status).toBe(404);
      expect((await client.get(`${CALLBACK}?code=a&state=b`)).status).toBe(404);
      expect((await client.post(BACKCHANNEL_PATH, {})).status).toBe(404);
      expect((await client.get('/login')).text).not.toContain('single sign-on');
    } finally {
      await app.close();
    }
  });
});

describe('the back-channel route with its store down', () => {
  it('answers 503 session_store_unavailable (no 500, no hang)', async () => {
    const key = await rsaKey('op-key-1');
    const op = new TestProvider(key.privateJwk);
    const port = await freePort();
    const deadRedis = await freePort();
    await op.start([{ clientId: 'rp1', clientSecret: 'rp1-secret', origin: `http://localhost:${port}`, backchannelLogoutUri: `http://127.0.0.1:${port}${BACKCHANNEL_PATH}` }]);
    const config = readSampleConfig({
      SESSION_SECRET: SSO_SECRET,
      APP_ORIGIN: `http://localhost:${port}`,
      SESSION_STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${deadRedis}`,
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: 'rp1',
      OIDC_CLIENT_SECRET: 'rp1-secret',
    });
    const app = await createSampleApp(config, { logger: false });
    try {
      await app.listen(port, '127.0.0.1');
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        iss: op.issuer,
        aud: 'rp1',
        iat: now,
        exp: now + 120,
        jti: 'jti-store-down',
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        sub: 'alice',
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'op-key-1', typ: 'logout+jwt' })
        .sign(key.privateKey);
      const res = await fetch(`http://127.0.0.1:${port}${BACKCHANNEL_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `logout_token=${token}`,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toMatchObject({ error: 'session_store_unavailable' });
    } finally {
      await app.close();
      await op.close();
    }
  });
});
