import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticatedGuard, MfaGuard, MfaService } from '../../../lib/index.js';
import { Totp } from '../../../lib/mfa/totp.js';
import { createGlobalGuardsApp, InMemoryMfaSecrets, type RunningApp, startApp, TEST_SECRET, testOptions } from '../../apps/test-app/index.js';
import type { BrowserClient } from '../../support/http-client.js';
import { STORES } from '../../support/stores.js';

const GUARDS = [
  { guard: MfaGuard, name: 'MfaGuard' },
  { guard: AuthenticatedGuard, name: 'AuthenticatedGuard' },
];

describe.each(STORES)('global guards on $name', (under) => {
  describe.each(GUARDS)('APP_GUARD useExisting $name', ({ guard }) => {
    let running: RunningApp;
    const secrets = new InMemoryMfaSecrets();
    const totp = new Totp({ pastSteps: 1 });
    let secret: string;

    beforeAll(async () => {
      running = await startApp(under, [TEST_SECRET], (store) =>
        createGlobalGuardsApp(guard, testOptions({ store, mfa: { secretStore: secrets } })),
      );
      secret = Totp.generateSecret();
      await running.app.get(MfaService).importEnrollment('mfa-user', secret);
    });
    afterAll(() => running.close());

    async function loggedIn(user: string): Promise<BrowserClient> {
      const browser = running.browser();
      expect((await browser.post('/login', { user })).status).toBe(200);
      return browser;
    }

    it('@Public() routes pass for anyone: a method, and every method of a @Public() class', async () => {
      const anonymous = running.browser();
      expect((await anonymous.post('/logout')).status).toBe(204);
      expect((await anonymous.get('/public/health')).body).toEqual({ ok: true });
      expect((await anonymous.get('/public/whoami')).body).toEqual({ userId: null });
      const user = await loggedIn('global-public');
      expect((await user.get('/public/whoami')).body).toEqual({ userId: 'global-public' });
    });

    it('every other route answers 401 unauthenticated to anonymous requests', async () => {
      const anonymous = running.browser();
      for (const res of [
        await anonymous.get('/profile'),
        await anonymous.post('/settings', { theme: 'dark' }),
        await anonymous.post('/mfa/verify', { code: '123456' }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: 'unauthenticated' });
      }
      expect(anonymous.jar.size).toBe(0);
    });

    it('a fully authenticated session passes', async () => {
      const user = await loggedIn('global-full');
      expect((await user.get('/profile')).body).toEqual({ userId: 'global-full', mfa: 'none' });
      expect((await user.post('/settings', { theme: 'dark' })).status).toBe(204);
    });

    it('a password-only session reaches the @SkipMfa() MFA step and logout, and then everything', async () => {
      const user = await loggedIn('mfa-user');
      const guarded = await user.get('/profile');
      if (guard === MfaGuard) {
        expect(guarded.status).toBe(403);
        expect(guarded.body).toMatchObject({ error: 'mfa_required' });
        expect((await user.post('/settings', { theme: 'dark' })).status).toBe(403);
      } else {
        // AuthenticatedGuard asks for the password step only: the MFA step is the route's business.
        expect(guarded.status).toBe(200);
        expect(guarded.body).toEqual({ userId: 'mfa-user', mfa: 'pending' });
      }
      const verify = await user.post('/mfa/verify', { code: await totp.generate(secret) });
      expect(verify.status).toBe(200);
      expect((await user.get('/profile')).body).toEqual({ userId: 'mfa-user', mfa: 'verified' });
      expect((await user.post('/logout')).status).toBe(204);
      expect((await user.get('/profile')).status).toBe(401);
    });

    it('a password-only session can log out', async () => {
      const user = await loggedIn('mfa-user');
      const stolen = user.clone();
      expect((await user.post('/logout')).status).toBe(204);
      expect((await stolen.post('/mfa/verify', { code: await totp.generate(secret) })).status).toBe(401);
    });
  });
});
