import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCi } from '../support/ci.js';
import { STORES } from '../support/stores.js';
import { chromiumPresent } from '../support/chromium.js';
import { confirmProviderLogout, signInWithSso, SsoBrowser } from '../support/oidc/sso-browser.js';
import { meStatus, SsoWorld, type SsoApp } from '../support/oidc/sso-apps.js';
import { passProviderPages } from '../support/oidc/sso-browser.js';
import { codeAt, secretOf } from '../e2e/sample/sample-harness.js';

/**
 * Single sign-on and single sign-out through a real OpenID Provider (oidc-provider in process)
 * with two sample apps as its clients, driven by headless Chromium: signed in to both, a
 * logout in app 1 or at the provider leaves both apps' sessions dead on the very next request,
 * on every instance (Redis: two instances per app, the logout token reaching the other one).
 */
describe.skipIf(!chromiumPresent && !isCi())('single sign-on and sign-out with OpenID Connect (Chromium)', () => {
  const browser = new SsoBrowser();

  beforeAll(async () => {
    if (!chromiumPresent) throw new Error('CI=true and /usr/bin/chromium is missing: apt-get install -y chromium');
    await browser.open();
  }, 30_000);
  afterAll(async () => {
    await browser.close();
  });

  const variants = STORES.map((store) => ({ store, instances: store.name === 'redis' ? (2 as const) : (1 as const) }));

  describe.each(variants)('on $store.name, $instances instance(s) per app', ({ store, instances }) => {
    const world = new SsoWorld(store, instances);
    beforeAll(() => world.start(), 30_000);
    afterAll(() => world.close(), 60_000);

    /** The app's session cookie in the browser, as a Cookie header. */
    const cookieOf = async (app: SsoApp): Promise<string | undefined> => {
      const cookie = (await browser.context.cookies(app.origin)).find((c) => c.name === 'sid');
      return cookie ? `sid=${cookie.value}` : undefined;
    };

    /** /api/me of every instance of both apps, with the cookie each app gave the browser. */
    const statuses = async (page: Page): Promise<number[]> => {
      const userAgent = await browser.userAgent(page);
      const out: number[] = [];
      for (const app of world.apps) {
        const cookie = await cookieOf(app);
        for (const base of app.instances) out.push(await meStatus(base, cookie, userAgent));
      }
      return out;
    };

    const signInToBoth = async (): Promise<Page> => {
      const page = await browser.reset();
      await signInWithSso(page, world.apps[0]!.origin);
      // The provider already knows the browser: only app 2's consent is asked.
      await signInWithSso(page, world.apps[1]!.origin);
      expect(await statuses(page)).toEqual(Array(2 * instances).fill(200));
      return page;
    };

    it('signs in to both apps through the provider, each session a new cookie linked to its own provider sid', async () => {
      const page = await signInToBoth();
      const [rp1, rp2] = [world.op.lastSid.get('rp1'), world.op.lastSid.get('rp2')];
      expect(rp1).toEqual(expect.any(String));
      expect(rp2).toEqual(expect.any(String));
      // oidc-provider gives each client its own sid: the apps key on their own ID token's.
      expect(rp1).not.toBe(rp2);
      expect(await page.textContent('#username')).toBe('alice');
    });

    it('logging out in app 1 sends the browser to the provider, and both apps are signed out on the very next request', async () => {
      const page = await signInToBoth();
      world.op.backchannel.length = 0;
      await page.goto(`${world.apps[0]!.origin}/dashboard`);
      await page.waitForSelector('#username:not(:empty)');
      const logout = page.waitForResponse((res) => res.url() === `${world.apps[0]!.origin}/api/auth/logout`);
      await Promise.all([page.waitForURL((url) => url.toString().startsWith(world.op.issuer)), page.click('#logout')]);
      // RP-initiated logout: 200 { redirect } to the provider's end-session endpoint with id_token_hint, client_id, post_logout_redirect_uri.
      const answer = await logout;
      expect(answer.status()).toBe(200);
      // The page followed `redirect` at once (its body is gone with the navigation): the URL it went to is the redirect.
      const redirect = new URL(page.url());
      expect(`${redirect.origin}${redirect.pathname}`).toBe(`${world.op.issuer}/session/end`);
      expect(redirect.searchParams.get('client_id')).toBe('rp1');
      expect(redirect.searchParams.get('post_logout_redirect_uri')).toBe(`${world.apps[0]!.origin}/login`);
      expect(redirect.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
      // The app 1 session is already gone here, before the provider is even asked.
      expect((await statuses(page))[0]).toBe(401);
      await confirmProviderLogout(page);
      await page.waitForURL(`${world.apps[0]!.origin}/login`);
      expect(world.op.backchannel.sort()).toEqual(['ok rp1', 'ok rp2']);
      expect(await statuses(page)).toEqual(Array(2 * instances).fill(401));
    });

    it('logging out at the provider signs both apps out on the very next request', async () => {
      const page = await signInToBoth();
      world.op.backchannel.length = 0;
      await page.goto(`${world.op.issuer}/session/end`);
      await confirmProviderLogout(page);
      expect(world.op.backchannel.sort()).toEqual(['ok rp1', 'ok rp2']);
      expect(await statuses(page)).toEqual(Array(2 * instances).fill(401));
    });

    /** Signs `login` in to app 1 through the provider and enrols TOTP through the API; then clears the browser. */
    const enrolledThroughSso = async (login: string): Promise<{ page: Page; userAgent: string }> => {
      const page = await browser.reset();
      const app1 = world.apps[0]!;
      await signInWithSso(page, app1.origin, login);
      const userAgent = await browser.userAgent(page);
      let cookie = await cookieOf(app1);
      const call = async (path: string, body: object) => {
        const res = await fetch(`${app1.instances[0]}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': userAgent, Cookie: cookie! },
          body: JSON.stringify(body),
        });
        const fresh = res.headers.getSetCookie().find((line) => line.startsWith('sid='));
        if (fresh) cookie = fresh.split(';')[0];
        return { status: res.status, body: (await res.json()) as Record<string, string> };
      };
      const enrol = await call('/api/mfa/enroll', {});
      expect(enrol.status).toBe(200);
      expect((await call('/api/mfa/enroll/confirm', { code: await codeAt(secretOf(enrol.body['otpauthUrl']!)) })).status).toBe(200);
      await browser.context.clearCookies();
      return { page, userAgent };
    };

    it('an MFA-enrolled user whose provider did not report MFA is asked for the TOTP step after single sign-on', async () => {
      const app1 = world.apps[0]!;
      const { page, userAgent } = await enrolledThroughSso('carol');
      await page.goto(`${app1.origin}/login`);
      await page.click('#sso');
      await passProviderPages(page, `${app1.origin}/mfa`, 'carol');
      await page.waitForURL(`${app1.origin}/mfa`);
      expect(await meStatus(app1.instances[0]!, await cookieOf(app1), userAgent)).toBe(403);
    });

  });
});
