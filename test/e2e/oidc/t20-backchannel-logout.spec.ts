import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../../lib/index.js';
import { isCi } from '../../support/ci.js';
import { STORES } from '../../support/stores.js';
import { chromiumPresent } from '../../support/chromium.js';
import { passProviderPages, signInWithSso, SsoBrowser } from '../../support/oidc/sso-browser.js';
import { BACKCHANNEL_PATH, meStatus, SsoWorld, type SsoApp } from '../../support/oidc/sso-apps.js';
import { rsaKey } from '../../support/oidc/test-provider.js';

type Header = { alg: string; kid?: string; typ?: string };

/**
 * T20 (SECURITY-REQUIREMENTS.md): back-channel logout per OpenID Connect Back-Channel Logout
 * 1.0 §2.4-2.8 against the sample's endpoint. A valid token answers 200 with no-store and ends
 * the linked session; every invalid variant answers 400 `invalid_logout_token` with no-store and
 * ends nothing. Tokens are signed here with the provider's own key (so only the named claim is
 * wrong) or with keys the provider never published.
 */
describe.skipIf(!chromiumPresent && !isCi())('T20 back-channel logout: valid token ends the session, every invalid variant is 400', () => {
  const browser = new SsoBrowser();

  beforeAll(async () => {
    if (!chromiumPresent) throw new Error('CI=true and /usr/bin/chromium is missing: apt-get install -y chromium');
    await browser.open();
  }, 30_000);
  afterAll(async () => {
    await browser.close();
  });

  describe.each(STORES)('on $name', (store) => {
    const world = new SsoWorld(store, 1);
    let page: Page;
    let app1: SsoApp;
    let app2: SsoApp;
    let sid: string;
    let userAgent: string;
    let otherKey: Awaited<ReturnType<typeof rsaKey>>;

    beforeAll(async () => {
      await world.start();
      [app1, app2] = world.apps as [SsoApp, SsoApp];
      otherKey = await rsaKey('op-key-1');
      page = await browser.reset();
      await signInWithSso(page, app1.origin);
      await signInWithSso(page, app2.origin);
      sid = world.op.lastSid.get('rp1')!;
      userAgent = await browser.userAgent(page);
    }, 40_000);
    afterAll(() => world.close(), 60_000);

    const cookieOf = async (app: SsoApp): Promise<string | undefined> => {
      const cookie = (await browser.context.cookies(app.origin)).find((c) => c.name === 'sid');
      return cookie ? `sid=${cookie.value}` : undefined;
    };
    const alive = async (app: SsoApp) => (await meStatus(app.instances[0]!, await cookieOf(app), userAgent)) === 200;

    const claims = (overrides: Record<string, unknown> = {}): JWTPayload => {
      const now = Math.floor(Date.now() / 1000);
      const base: Record<string, unknown> = {
        iss: world.op.issuer,
        aud: 'rp1',
        iat: now,
        exp: now + 120,
        jti: randomBytes(12).toString('base64url'),
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        sid,
        sub: 'alice',
      };
      for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) delete base[name];
        else base[name] = value;
      }
      return base as JWTPayload;
    };
    const sign = (payload: JWTPayload, header: Partial<Header> = {}, key: JWK | CryptoKey | Uint8Array = world.signingKey.privateKey) => {
      const protectedHeader: Header = { alg: 'RS256', kid: 'op-key-1', typ: 'logout+jwt', ...header };
      for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete (protectedHeader as Record<string, unknown>)[name];
      return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key as CryptoKey);
    };
    /** POSTs to app 1's endpoint; `contentType: null` sends no Content-Type at all (a Blob without a type). */
    const post = (body: string, contentType: string | null = 'application/x-www-form-urlencoded') =>
      fetch(`${app1.instances[0]}${BACKCHANNEL_PATH}`, {
        method: 'POST',
        headers: contentType !== null ? { 'Content-Type': contentType } : {},
        body: contentType !== null ? body : new Blob([body]),
      });
    const form = (token: string) => `logout_token=${encodeURIComponent(token)}`;

    /** Posts `body`, expects 400 invalid_logout_token + no-store, and both sessions still alive. */
    const refused = async (body: string, contentType: string | null = 'application/x-www-form-urlencoded') => {
      const res = await post(body, contentType);
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toMatchObject({ error: 'invalid_logout_token', message: expect.any(String) });
      expect(await alive(app1)).toBe(true);
      expect(await alive(app2)).toBe(true);
    };

    const claimCases: Array<[string, Record<string, unknown>]> = [
      ['iss missing', { iss: undefined }],
      ['iss wrong', { iss: 'https://evil.example.com' }],
      ['aud missing', { aud: undefined }],
      ['aud wrong (another client)', { aud: 'rp2' }],
      ['iat missing', { iat: undefined }],
      ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 3600 }],
      ['exp in the past (expired)', { exp: Math.floor(Date.now() / 1000) - 60 }],
      ['no exp and iat older than the maximum age', { exp: undefined, iat: Math.floor(Date.now() / 1000) - 600 }],
      ['jti missing', { jti: undefined }],
      ['jti not a string', { jti: 42 }],
      ['events missing', { events: undefined }],
      ['events without the back-channel member', { events: { 'http://schemas.openid.net/event/other': {} } }],
      ['events member not an object', { events: { [BACKCHANNEL_LOGOUT_EVENT]: true } }],
      ['events member an array', { events: { [BACKCHANNEL_LOGOUT_EVENT]: [] } }],
      ['events an array', { events: [BACKCHANNEL_LOGOUT_EVENT] }],
      ['events member only under __proto__', { events: JSON.parse(`{"__proto__": {"${BACKCHANNEL_LOGOUT_EVENT}": {}}}`) }],
      ['neither sid nor sub', { sid: undefined, sub: undefined }],
      ['nonce present', { nonce: 'n-0S6_WzA2Mj' }],
      ['sid not a string', { sid: 12345 }],
      ['sid with a lone surrogate', { sid: '\ud800abc' }],
      ['sid with NUL', { sid: 'abc\u0000' }],
      ['sid of 1 MB', { sid: 'a'.repeat(1024 * 1024) }],
    ];

    it.each(claimCases)('%s: 400, nothing ends', async (_name, overrides) => {
      await refused(form(await sign(claims(overrides))));
    });

    it('typ other than logout+jwt: 400, nothing ends', async () => {
      await refused(form(await sign(claims(), { typ: 'JWT' })));
    });

    it('bad signature (a key the provider never published, same kid): 400, nothing ends', async () => {
      await refused(form(await sign(claims(), {}, otherKey.privateKey)));
    });

    it('unknown kid: 400, nothing ends (the key set is refetched, still no such key)', async () => {
      await refused(form(await sign(claims(), { kid: 'no-such-key' }, otherKey.privateKey)));
    });

    it('alg none (unsecured JWT): 400, nothing ends', async () => {
      const token = new UnsecuredJWT(claims()).encode();
      await refused(form(token));
    });

    it('HS256 MACed with the client secret: 400, nothing ends', async () => {
      await refused(form(await sign(claims(), { alg: 'HS256' }, new TextEncoder().encode(app1.clientSecret))));
    });

    it('a replayed jti: the first token is taken (200, it names no live session), its replay is 400', async () => {
      const token = await sign(claims({ sid: 'some-other-provider-session' }));
      const first = await post(form(token));
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      await refused(form(token));
    });

    it('not form-encoded (JSON, text/plain, no Content-Type): 400, nothing ends', async () => {
      const token = await sign(claims());
      await refused(JSON.stringify({ logout_token: token }), 'application/json');
      await refused(form(token), 'text/plain');
      await refused(form(token), null);
    });

    it('malformed forms: missing or repeated logout_token, lone surrogates, NUL, 1 MB, __proto__ keys: 400, nothing ends', async () => {
      const token = await sign(claims());
      await refused('');
      await refused(`${form(token)}&${form(token)}`);
      await refused('logout_token=%ED%A0%80');
      await refused('logout_token=eyJ%00.eyJ.sig');
      await refused(`logout_token=${'a'.repeat(1024 * 1024)}`);
      await refused(`__proto__=${encodeURIComponent(token)}`);
      await refused(`__proto__[logout_token]=${encodeURIComponent(token)}`);
      await refused('logout_token=not.a.jwt');
    });

    it('a valid logout token (signed by the provider key, sid of app 1): 200 no-store, app 1 signed out, app 2 untouched', async () => {
      const res = await post(form(await sign(claims())));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await alive(app1)).toBe(false);
      expect(await alive(app2)).toBe(true);
    });

    it('a logout token arriving while the login for that provider session is completing: the login is refused', async () => {
      page = await browser.reset();
      let posted: number | undefined;
      // The token arrives while app 1 exchanges the code: the provider session (and its sid) exists, the app session does not yet.
      world.op.beforeNextTokenRequest = async () => {
        posted = (await post(form(await sign(claims({ sid: world.op.authorizedSid.get('rp1') }))))).status;
      };
      await page.goto(`${app1.origin}/login`);
      const callback = page.waitForResponse((res) => res.url().startsWith(`${app1.origin}/api/auth/oidc/callback`));
      await page.click('#sso');
      await passProviderPages(page, `${app1.origin}/api/auth/oidc/callback`);
      const res = await callback;
      expect(posted).toBe(200);
      expect(res.status()).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'oidc_session_ended' });
      expect(await alive(app1)).toBe(false);
      // The same browser signing in again (a new provider session) is let in.
      await browser.context.clearCookies();
      await signInWithSso(page, app1.origin);
      expect(await alive(app1)).toBe(true);
    });

    it('a valid token naming only sub ends every session of that subject in app 1 (app 2 has its own endpoint)', async () => {
      // The test before cleared the browser's cookies: sign in to app 2 again.
      await signInWithSso(page, app2.origin);
      expect(await alive(app1)).toBe(true);
      expect(await alive(app2)).toBe(true);
      const res = await post(form(await sign(claims({ sid: undefined }))));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await alive(app1)).toBe(false);
      expect(await alive(app2)).toBe(true);
    });
  });
});
