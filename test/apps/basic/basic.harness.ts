import { MfaService, SessionModule, type SessionModuleOptions } from '../../../lib/index.js';
import { Totp } from '../../../lib/mfa/totp.js';
import type { BrowserClient } from '../../support/http-client.js';
import type { StoreUnderTest } from '../../support/stores.js';
import { startApp, type RunningApp } from '../kit/running-app.js';
import { basicOptions, createBasicApp, InMemoryMfaSecrets, TEST_SECRET } from './basic.app.js';

export const COOKIE = '__Host-sid';

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

/** The basic fixture app (forRoot, isGlobal) on the store under test. */
export async function startBasicApp(
  under: StoreUnderTest,
  overrides: Partial<SessionModuleOptions> = {},
): Promise<RunningBasicApp> {
  const mfaSecrets = new InMemoryMfaSecrets();
  const totp = new Totp({ pastSteps: 1 });
  const previousStep = new Totp({ pastSteps: 1 }, () => Date.now() - 30_000);
  const secrets = new Map<string, string>();
  const running = await startApp(under, [TEST_SECRET], (store) =>
    createBasicApp(
      SessionModule.forRoot({
        ...basicOptions({ mfa: { secretStore: mfaSecrets, issuer: 'Test' }, store, ...overrides }),
        isGlobal: true,
      }),
    ),
  );
  const login = (browser: BrowserClient, user = 'alice') => browser.post('/login', { user });
  return {
    ...running,
    mfaSecrets,
    async enrollMfa(userId) {
      const secret = Totp.generateSecret();
      // Through the module, which encrypts the secret at rest as a real enrolment would.
      await running.app.get(MfaService).importEnrollment(userId, secret);
      secrets.set(userId, secret);
      return secret;
    },
    code: (secret) => totp.generate(secret),
    login,
    async loggedIn(user = 'alice') {
      const browser = running.browser();
      const res = await login(browser, user);
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
      const secret = secrets.get(user);
      if (secret) {
        let verified = await browser.post('/mfa/verify', { code: await previousStep.generate(secret) });
        if (verified.status === 401) verified = await browser.post('/mfa/verify', { code: await totp.generate(secret) });
        if (verified.status !== 200) throw new Error(`MFA failed: ${verified.status} ${verified.text}`);
      }
      return browser;
    },
  };
}
