import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { sessionIdOf } from '../../support/session-cookie.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('T04 session ID only from the cookie on $name', (under) => {
  let running: RunningBasicApp;
  /** A live, fully authenticated session's cookie value and raw ID. */
  let value: string;
  let id: string;

  beforeAll(async () => {
    running = await startBasicApp(under);
    const browser = await running.loggedIn('t04');
    value = browser.cookie(COOKIE)!;
    id = sessionIdOf(value);
    expect((await browser.get('/me')).status).toBe(200);
  });
  afterAll(() => running.close());

  const carriers = () => [decodeURIComponent(value), value, id];

  it('an ID in the URL query is ignored', async () => {
    for (const carried of carriers()) {
      for (const param of [COOKIE, 'sid', 'connect.sid', 'sessionId', 'session']) {
        const res = await running.browser().get(`/me?${encodeURIComponent(param)}=${encodeURIComponent(carried)}`);
        expect(res.status).toBe(401);
      }
    }
  });

  it('an ID in the request body is ignored', async () => {
    for (const carried of carriers()) {
      const body = { [COOKIE]: carried, sid: carried, sessionId: carried, cookie: `${COOKIE}=${carried}` };
      const res = await running.browser().post('/mfa/verify', { ...body, code: '123456' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthenticated' });
    }
  });

  it('an ID in X-Session-Id, Authorization or other headers is ignored', async () => {
    for (const carried of carriers()) {
      const placements: Array<Record<string, string>> = [
        { 'X-Session-Id': carried },
        { Authorization: `Bearer ${carried}` },
        { Authorization: carried },
        { 'X-Session-Token': carried },
        { [COOKIE]: carried },
      ];
      for (const headers of placements) {
        const res = await running.browser().get('/me', headers);
        expect(res.status, JSON.stringify(Object.keys(headers))).toBe(401);
      }
    }
  });

  it('the ID never appears in a response body, a URL or a header other than Set-Cookie', async () => {
    const browser = running.browser();
    const login = await running.login(browser, 't04-leak');
    const loginId = sessionIdOf(browser.cookie(COOKIE)!);
    const me = await browser.get('/me');
    for (const res of [login, me]) {
      expect(res.text).not.toContain(loginId);
      const { 'set-cookie': _setCookie, ...headers } = res.headers;
      expect(JSON.stringify(headers)).not.toContain(loginId);
    }
  });
});
