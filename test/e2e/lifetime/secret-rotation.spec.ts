import { createHmac } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionModuleOptions } from '../../../lib/index.js';
import { createTestApp, LIFETIME_APP_ROUTES } from '../../apps/test-app/index.js';
import { useFakeClock, type FakeClock } from '../../support/fake-clock.js';
import { BrowserClient } from '../../support/http-client.js';
import { COOKIE } from '../../support/session-cookie.js';
import { STORE_NAMES, openStore, type StoreHarness } from '../../support/store-harness.js';

const OLD = 'old-signing-secret-old-signing-secret-0001';
const NEW = 'new-signing-secret-new-signing-secret-0002';

/** Which secret signed a cookie value `s:<id>.<signature>` (express-session's HMAC-SHA-256, base64 without padding). */
function signedWith(browser: BrowserClient): 'old' | 'new' | 'neither' {
  const value = decodeURIComponent(browser.cookie(COOKIE)!);
  const id = value.slice(2, value.lastIndexOf('.'));
  const signature = value.slice(value.lastIndexOf('.') + 1);
  const sign = (secret: string) => createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
  return signature === sign(OLD) ? 'old' : signature === sign(NEW) ? 'new' : 'neither';
}

/** Issue item 6: `secret` is a list, the first signs, all verify; storage keys do not move. */
describe.each(STORE_NAMES)('secret rotation on $name', ({ name }) => {
  let harness: StoreHarness;
  let clock: FakeClock;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    harness = await openStore(name, 'secrets');
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await harness?.close();
  });
  beforeEach(() => {
    clock = useFakeClock();
  });
  afterEach(() => clock.restore());

  /** One deployment: a new app instance with the given secrets, on the same store. */
  async function deploy(options: Partial<SessionModuleOptions>): Promise<INestApplication> {
    const app = await createTestApp({ session: { store: harness.store, ...options }, routes: LIFETIME_APP_ROUTES, listen: true });
    apps.push(app);
    return app;
  }

  /** The same browser talking to another deployment. */
  function against(app: INestApplication, browser: BrowserClient): BrowserClient {
    const moved = new BrowserClient(app);
    for (const [key, value] of browser.jar) moved.jar.set(key, value);
    return moved;
  }

  it('keeps a cookie signed before the rotation working after it, and re-signs it with the new secret', async () => {
    const before = await deploy({ secret: OLD });
    const browser = new BrowserClient(before);
    expect((await browser.post('/login', { user: 'alice' })).status).toBe(200);
    expect(signedWith(browser)).toBe('old');

    // Step 1: the new secret in front. The old cookie still verifies and finds its record.
    const during = await deploy({ secret: [NEW, OLD] });
    const rotated = against(during, browser);
    expect((await rotated.get('/me')).status).toBe(200);
    expect(signedWith(rotated)).toBe('old');
    // A new cookie (here: the next ID rotation) is signed with the first secret.
    clock.advance(15 * 60_000);
    expect((await rotated.get('/me')).status).toBe(200);
    expect(signedWith(rotated)).toBe('new');
    const fresh = new BrowserClient(during);
    expect((await fresh.post('/login', { user: 'bob' })).status).toBe(200);
    expect(signedWith(fresh)).toBe('new');

    // Step 2: the old secret retired from signing, kept as idHashSecret: storage keys stay put.
    const after = await deploy({ secret: NEW, idHashSecret: OLD });
    expect((await against(after, rotated).get('/me')).status).toBe(200);
    expect((await against(after, fresh).get('/me')).status).toBe(200);
    // A cookie still signed with the retired secret no longer verifies.
    const stale = await deploy({ secret: OLD });
    const oldSigned = new BrowserClient(stale);
    expect((await oldSigned.post('/login', { user: 'carol' })).status).toBe(200);
    expect((await against(after, oldSigned).get('/me')).status).toBe(401);
  });

  it('moves every storage key when the oldest secret is dropped without idHashSecret (why the option exists)', async () => {
    const during = await deploy({ secret: [NEW, OLD] });
    const browser = new BrowserClient(during);
    expect((await browser.post('/login', { user: 'dave' })).status).toBe(200);
    expect(signedWith(browser)).toBe('new');
    expect((await against(await deploy({ secret: NEW }), browser).get('/me')).status).toBe(401);
    expect((await against(await deploy({ secret: NEW, idHashSecret: OLD }), browser).get('/me')).status).toBe(200);
  });
});
