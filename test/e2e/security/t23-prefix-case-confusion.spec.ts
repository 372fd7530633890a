import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, type RunningBasicApp, startBasicApp } from '../../apps/test-app/index.js';
import { STORES } from '../../support/stores.js';

describe.each(STORES)('T23 cookie prefix case confusion on $name', (under) => {
  let running: RunningBasicApp;
  /** A genuine, logged-in session of the attacker, offered under a look-alike name. */
  let attackerValue: string;
  let victimValue: string;

  beforeAll(async () => {
    running = await startBasicApp(under);
    attackerValue = (await running.loggedIn('mallory')).cookie(COOKIE)!;
    victimValue = (await running.loggedIn('victim')).cookie(COOKIE)!;
  });
  afterAll(() => running.close());

  const LOOK_ALIKES = ['__host-sid', '__HOST-sid', '__Host-SID', '__Secure-sid', 'sid', 'connect.sid'];

  it.each(LOOK_ALIKES)('%s next to the real cookie is not honoured, in either order', async (name) => {
    for (const cookie of [
      `${name}=${attackerValue}; ${COOKIE}=${victimValue}`,
      `${COOKIE}=${victimValue}; ${name}=${attackerValue}`,
    ]) {
      const res = await running.browser().get('/me', { Cookie: cookie });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ userId: 'victim' });
    }
  });

  it.each(LOOK_ALIKES)('%s alone gives 401', async (name) => {
    const res = await running.browser().get('/me', { Cookie: `${name}=${attackerValue}` });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'unauthenticated' });
  });

  it('a login with only a look-alike cookie issues a real __Host-sid and leaves the look-alike alone', async () => {
    const browser = running.browser();
    browser.jar.set('__host-sid', attackerValue);
    const res = await running.login(browser, 't23');
    expect(res.status).toBe(200);
    expect(browser.cookie(COOKIE)).toBeDefined();
    expect((await browser.get('/me')).body).toMatchObject({ userId: 't23' });
    // The attacker's session was not the one replaced.
    expect(await running.hasRecord(attackerValue)).toBe(true);
  });
});
