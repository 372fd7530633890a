import { SessionModule, type SessionModuleOptions } from '../../../../lib/index.js';
import type { BrowserClient } from '../../../support/http-client.js';
import type { StoreUnderTest } from '../../../support/stores.js';
import { createTestApp } from '../create-test-app.js';
import { BASIC_ROUTES } from '../route-sets.js';
import { startApp, type RunningApp } from '../running-app.js';
import { InMemoryMfaSecrets, TEST_SECRET, testOptions } from '../secrets.js';
import { EnrolledUsers } from './enrolled-users.js';


export interface RunningBasicApp extends RunningApp {
  mfaSecrets: InMemoryMfaSecrets;
  /** Enrols `userId` in TOTP through MfaService.importEnrollment (encrypted at rest); returns the secret. */
  enrollMfa(userId: string): Promise<string>;
  /** The current TOTP code for a secret. */
  code(secret: string): Promise<string>;
  /** Logs `browser` in as `user` (password step) and returns the response. */
  login(browser: BrowserClient, user?: string): ReturnType<BrowserClient['post']>;
  /**
   * A browser logged in as `user` with MFA done if the user was enrolled by enrollMfa. Replay
   * protection accepts each 30-second step once per user: this uses the previous step's code,
   * then the current one, so two such logins per user and step work.
   */
  loggedIn(user?: string): Promise<BrowserClient>;
}

/** BASIC_ROUTES (forRoot, isGlobal, TOTP MFA) on the store under test, with login helpers. */
export async function startBasicApp(
  under: StoreUnderTest,
  overrides: Partial<SessionModuleOptions> = {},
): Promise<RunningBasicApp> {
  const mfaSecrets = new InMemoryMfaSecrets();
  const running = await startApp(under, [TEST_SECRET], (store) =>
    createTestApp({
      session: SessionModule.forRoot({
        ...testOptions({ mfa: { secretStore: mfaSecrets, issuer: 'Test' }, store, ...overrides }),
        isGlobal: true,
      }),
      routes: BASIC_ROUTES,
    }),
  );
  const users = new EnrolledUsers(() => running.app);
  const login = (browser: BrowserClient, user = 'alice') => browser.post('/login', { user });
  return {
    ...running,
    mfaSecrets,
    enrollMfa: async (userId) => (await users.enroll(userId)).secret,
    code: (secret) => users.code(secret),
    login,
    async loggedIn(user = 'alice') {
      const browser = running.browser();
      const res = await login(browser, user);
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
      const secret = users.secretOf(user);
      if (secret) {
        let verified = await browser.post('/mfa/verify', { code: await users.code(secret, -1) });
        if (verified.status === 401) verified = await browser.post('/mfa/verify', { code: await users.code(secret) });
        if (verified.status !== 200) throw new Error(`MFA failed: ${verified.status} ${verified.text}`);
      }
      return browser;
    },
  };
}
