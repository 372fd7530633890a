import { expect } from 'vitest';
import type { BrowserClient } from '../../support/http-client.js';
import { setCookies } from '../../support/http-client.js';

/**
 * Proves a SessionModule variant works end to end on the basic fixture routes: login sets the
 * expected cookie, the guarded route then answers for that user, anonymous gets 401.
 */
export async function expectLoginRoundTrip(browser: BrowserClient, cookieName: string, user = 'alice'): Promise<void> {
  expect((await browser.clone().get('/me')).status).toBe(401);
  const login = await browser.post('/login', { user });
  expect(login.status).toBe(200);
  expect(setCookies(login).map((cookie) => cookie.name)).toEqual([cookieName]);
  const me = await browser.get('/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ userId: user });
}
