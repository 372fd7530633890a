import request from 'supertest';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionEvents, type SessionEvent } from '../../lib/index.js';
import { UserRepository } from '../../sample/users/user.repository.js';
import { ALICE, BOB, COOKIE, SampleHarness } from '../e2e/sample/sample-harness.js';
import { isCi } from '../support/ci.js';
import { freePort } from '../support/free-port.js';
import { STORES } from '../support/stores.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumPresent } from '../support/chromium.js';

const STEP_TIMEOUT_MS = 5_000;
const MFA_MAX_ATTEMPTS = 3;
const SIX_MINUTES = 6 * 60_000;

interface ApiResult {
  status: number;
  ok: boolean;
  data: { error?: string; message?: string; [key: string]: unknown } | null;
}

/** One browser for the whole file; each store gets its own context, app and virtual authenticator. */
let browser: Browser | undefined;

beforeAll(async () => {
  if (!chromiumPresent && !isCi()) return;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 15_000 });
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!chromiumPresent && !isCi()).each(STORES)('passkeys in headless Chromium with a virtual authenticator ($name store)', (store) => {
  const harness = new SampleHarness(store, 'passkeys-browser');
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let origin: string;
  const events: SessionEvent[] = [];
  /** Credential IDs, once registered. */
  let aliceCredential: string;
  let bobCredential: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    // The test clock drives challenge ages and step-up freshness; WebAuthn needs a localhost origin, not 127.0.0.1.
    await harness.start({ PORT: String(port), APP_ORIGIN: origin, MFA_MAX_ATTEMPTS: String(MFA_MAX_ATTEMPTS) }, { clock: true });
    await harness.app.listen(port, '127.0.0.1');
    harness.app.get(SessionEvents).subscribe((event) => {
      events.push(event);
    });
    context = await browser!.newContext({ viewport: { width: 800, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await harness.stop();
    await harness.cleanUp();
  });

  const at = (path: string) => page.waitForURL(`${origin}${path}`);
  const nextApiCall = (method: string, path: string): Promise<Response> =>
    page.waitForResponse((res) => res.url() === `${origin}${path}` && res.request().method() === method);
  const sessionCookie = async () => (await context.cookies(origin)).find((cookie) => cookie.name === COOKIE)?.value;
  const storedPasskey = (id: string) => harness.app.get(UserRepository).passkeys.findById(id);
  const eventsOf = (type: string) => events.filter((event) => event.type === type) as Array<SessionEvent & Record<string, unknown>>;

  /** Runs `body` (an async function body) in the page with `passkeys` (assets/passkeys.js) and `api` (assets/app.js) in scope. */
  function inPage<T>(body: string, arg?: unknown): Promise<T> {
    const script = `(async (arg) => {
      const passkeys = await import('/assets/passkeys.js');
      const { api } = await import('/assets/app.js');
      ${body}
    })(${JSON.stringify(arg ?? null)})`;
    return page.evaluate(script) as Promise<T>;
  }

  /** An assertion over the options from `optionsPath`, restricted to `credentialId` (the authenticator holds several). */
  function assertion(optionsPath: string, credentialId: string): Promise<{ options: ApiResult; credential: unknown }> {
    return inPage(
      `const options = await api('POST', arg.optionsPath);
       if (!options.ok) return { options, credential: null };
       const only = { ...options.data, allowCredentials: [{ id: arg.credentialId, type: 'public-key' }] };
       return { options, credential: await passkeys.getCredentialJson(only) };`,
      { optionsPath, credentialId },
    );
  }

  const post = (path: string, body?: unknown) => inPage<ApiResult>(`return api('POST', arg.path, arg.body ?? undefined);`, { path, body });
  const get = (path: string) => inPage<ApiResult>(`return api('GET', arg.path);`, { path });

  /** A passwordless sign-in with one credential; the API's answer. */
  async function passwordless(credentialId: string): Promise<ApiResult> {
    const { credential } = await assertion('/api/auth/passkey/options', credentialId);
    return post('/api/auth/passkey', { credential });
  }

  async function passwordLogin(user: { username: string; password: string }): Promise<ApiResult> {
    await post('/api/auth/logout');
    return post('/api/auth/login', { username: user.username, password: user.password });
  }

  async function overrideBits(bits: { isBogusSignature?: boolean; isBadUV?: boolean }): Promise<void> {
    await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBogusSignature: false, isBadUV: false, isBadUP: false, ...bits });
  }

  it('alice adds a passkey from the dashboard, then signs in with it alone: both factors, a new session ID', async () => {
    await page.goto(`${origin}/login`);
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await at('/dashboard');
    await page.locator('#passkeys').waitFor({ state: 'visible' });
    expect(await page.locator('#passkey-list').textContent()).toContain('No passkeys yet.');

    await page.getByLabel('Passkey name').fill('Laptop');
    const registered = nextApiCall('POST', '/api/passkeys/register');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    expect((await registered).status()).toBe(200);
    await page.locator('.passkey-name', { hasText: 'Laptop' }).waitFor({ state: 'visible' });
    const list = await get('/api/passkeys');
    expect(list.data).toEqual([expect.objectContaining({ name: 'Laptop', lastUsedAt: null })]);
    aliceCredential = (list.data as unknown as Array<{ id: string }>)[0]!.id;
    expect(eventsOf('passkey.registered')).toEqual([expect.objectContaining({ userId: ALICE.id, credentialId: aliceCredential })]);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    // Log out; the login page's button signs in with the passkey alone.
    await page.getByRole('button', { name: 'Log out' }).click();
    await at('/login');
    const options = nextApiCall('POST', '/api/auth/passkey/options');
    const answer = nextApiCall('POST', '/api/auth/passkey');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    // The options call stored the challenge in a new anonymous session: its cookie must not survive the login.
    const anonymous = /(?:^|\n)sid=([^;]+)/.exec((await (await options).headerValue('set-cookie')) ?? '')?.[1];
    expect(anonymous).toBeDefined();
    expect((await answer).status()).toBe(200);
    await at('/dashboard');
    const fresh = await sessionCookie();
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(anonymous);
    const me = await get('/api/me');
    expect(me.status).toBe(200);
    expect((me.data as { session: { mfa: boolean } }).session.mfa).toBe(true);
    expect(eventsOf('passkey.used')).toEqual([expect.objectContaining({ userId: ALICE.id, purpose: 'login', userVerified: true })]);
    expect((await storedPasskey(aliceCredential))?.lastUsedAt).not.toBeNull();
  }, 30_000);

  it('the username field offers the passkey in its autofill (conditional UI) and signs in with it', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await at('/login');
    const answer = nextApiCall('POST', '/api/auth/passkey');
    // Focus starts the conditional request; the virtual authenticator picks the one passkey at once.
    await page.getByLabel('Username').focus();
    expect((await answer).status()).toBe(200);
    await at('/dashboard');
    expect(eventsOf('passkey.used').at(-1)).toMatchObject({ userId: ALICE.id, purpose: 'login' });
  }, 30_000);

  it('a password login now asks for the second factor, and the MFA page takes the passkey', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await at('/login');
    // No automatic "user presence" while typing: the autofill request waits, and the password login ends it.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    try {
      await page.getByLabel('Username').fill(ALICE.username);
      await page.getByLabel('Password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await at('/mfa');
    } finally {
      await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    }
    expect((await get('/api/me')).data?.error).toBe('mfa_required');
    const answer = nextApiCall('POST', '/api/auth/mfa/passkey');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    expect((await answer).status()).toBe(200);
    await at('/dashboard');
    expect(eventsOf('passkey.used').at(-1)).toMatchObject({ userId: ALICE.id, purpose: 'second_factor' });
  }, 30_000);

  it('bob registers a passkey; neither user can use the other one’s credential', async () => {
    expect((await passwordLogin(BOB)).data).toMatchObject({ mfa: 'none' });
    const registered = await inPage<ApiResult>(`return passkeys.registerPasskey('Phone');`);
    expect(registered.status).toBe(200);
    bobCredential = (registered.data as { id: string }).id;
    expect(bobCredential).not.toBe(aliceCredential);

    // bob, waiting for his second factor, answers his own challenge with alice's passkey.
    expect((await passwordLogin(BOB)).data).toMatchObject({ mfa: 'required' });
    let { credential } = await assertion('/api/auth/mfa/passkey/options', aliceCredential);
    expect(await post('/api/auth/mfa/passkey', { credential })).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ userId: BOB.id, reason: 'unknown_credential', purpose: 'second_factor' });
    ({ credential } = await assertion('/api/auth/mfa/passkey/options', bobCredential));
    expect((await post('/api/auth/mfa/passkey', { credential })).status).toBe(200);

    // A step-up with alice's passkey in bob's session is refused too.
    ({ credential } = await assertion('/api/auth/mfa/step-up/passkey/options', aliceCredential));
    expect(await post('/api/auth/mfa/step-up/passkey', { credential })).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    ({ credential } = await assertion('/api/auth/mfa/step-up/passkey/options', bobCredential));
    expect((await post('/api/auth/mfa/step-up/passkey', { credential })).status).toBe(200);
    expect(eventsOf('passkey.used').at(-1)).toMatchObject({ userId: BOB.id, purpose: 'step_up' });

    // The same authenticator again: the options exclude bob's passkey, so the browser refuses.
    const again = await inPage<ApiResult>(`return passkeys.registerPasskey('Again');`);
    expect(again.data?.error).toBe('browser');
    expect(again.data?.message).toMatch(/already holds a passkey/);
    expect(await harness.app.get(UserRepository).passkeys.listByUser(BOB.id)).toHaveLength(1);
  }, 30_000);

  it('one answer sent to two app instances at once signs in once (the challenge is single-use across instances)', async () => {
    await post('/api/auth/logout');
    const other = await harness.startAnother({ sharedUsers: true });
    const { credential } = await assertion('/api/auth/passkey/options', aliceCredential);
    const cookie = `${COOKIE}=${await sessionCookie()}`;
    const userAgent = await inPage<string>('return navigator.userAgent;');
    const headers = { Cookie: cookie, 'User-Agent': userAgent, 'Content-Type': 'application/json', Accept: 'application/json' };
    const body = JSON.stringify({ credential });
    const [here, there] = await Promise.all([
      fetch(`${origin.replace('localhost', '127.0.0.1')}/api/auth/passkey`, { method: 'POST', headers, body }),
      request(other.getHttpServer()).post('/api/auth/passkey').set(headers).send(body),
    ]);
    const statuses = [here.status, there.status].sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBe(401);
  }, 30_000);

  it('a tampered signature is refused and its counter is not saved', async () => {
    await post('/api/auth/logout');
    const before = (await storedPasskey(aliceCredential))!.counter;
    await overrideBits({ isBogusSignature: true });
    try {
      expect(await passwordless(aliceCredential)).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    } finally {
      await overrideBits({});
    }
    expect((await storedPasskey(aliceCredential))!.counter).toBe(before);
    expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ userId: ALICE.id, reason: 'invalid_signature', purpose: 'login' });
    expect((await get('/api/me')).status).toBe(401);
    // The same passkey, untampered, still works.
    expect((await passwordless(aliceCredential)).status).toBe(200);
    expect((await storedPasskey(aliceCredential))!.counter).toBeGreaterThan(before);
  }, 30_000);

  it('passwordless login requires user verification; the second factor does not', async () => {
    await post('/api/auth/logout');
    // The authenticator claims UV but the flag in the signed data is cleared: the server refuses.
    await overrideBits({ isBadUV: true });
    try {
      expect(await passwordless(aliceCredential)).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    } finally {
      await overrideBits({});
    }
    expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ reason: 'user_not_verified' });

    // An authenticator that does not verify the user: the browser itself refuses a UV-required request.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    try {
      const refused = await inPage<string>(
        `const options = await api('POST', '/api/auth/passkey/options');
         try { await passkeys.getCredentialJson({ ...options.data, allowCredentials: [{ id: arg, type: 'public-key' }] }); return 'created'; }
         catch (error) { return error.name; }`,
        aliceCredential,
      );
      expect(refused).toBe('NotAllowedError');
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    }
    expect((await get('/api/me')).status).toBe(401);

    // The step after the password needs the passkey's presence only: the same cleared flag passes there.
    expect((await passwordLogin(ALICE)).data).toMatchObject({ mfa: 'required' });
    await overrideBits({ isBadUV: true });
    try {
      const { credential } = await assertion('/api/auth/mfa/passkey/options', aliceCredential);
      expect((await post('/api/auth/mfa/passkey', { credential })).status).toBe(200);
    } finally {
      await overrideBits({});
    }
    expect(eventsOf('passkey.used').at(-1)).toMatchObject({ purpose: 'second_factor', userVerified: false });
  }, 30_000);

  it('a replayed assertion and a challenge answered twice are refused', async () => {
    await post('/api/auth/logout');
    const { credential } = await assertion('/api/auth/passkey/options', aliceCredential);
    const first = await post('/api/auth/passkey', { credential });
    expect(first).toMatchObject({ status: 200, data: { user: { id: ALICE.id, username: ALICE.username }, mfa: 'verified' } });
    await post('/api/auth/logout');
    expect(await post('/api/auth/passkey', { credential })).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ reason: 'challenge' });

    // One challenge, two fresh assertions over it: a failed answer uses it up too.
    const twice = await inPage<[ApiResult, ApiResult]>(
      `const options = await api('POST', '/api/auth/passkey/options');
       const only = { ...options.data, allowCredentials: [{ id: arg, type: 'public-key' }] };
       const first = await passkeys.getCredentialJson(only);
       const second = await passkeys.getCredentialJson(only);
       first.response.signature = second.response.signature.slice(0, -4) + 'AAAA';
       return [await api('POST', '/api/auth/passkey', { credential: first }), await api('POST', '/api/auth/passkey', { credential: second })];`,
      aliceCredential,
    );
    expect(twice[0]).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    expect(twice[1]).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    expect((await get('/api/me')).status).toBe(401);
  }, 30_000);

  it('a challenge older than 5 minutes is refused (test clock)', async () => {
    await post('/api/auth/logout');
    const stale = await inPage<ApiResult>(
      `const options = await api('POST', '/api/auth/passkey/options');
       window.__staleOptions = { ...options.data, allowCredentials: [{ id: arg, type: 'public-key' }] };
       return options;`,
      aliceCredential,
    );
    expect(stale.status).toBe(200);
    harness.clock!.advance(5 * 60_000 + 1_000);
    const answer = await inPage<ApiResult>(
      `const credential = await passkeys.getCredentialJson(window.__staleOptions);
       return api('POST', '/api/auth/passkey', { credential });`,
    );
    expect(answer).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ reason: 'challenge', userId: ALICE.id });
  }, 30_000);

  it('a signature counter that goes backwards is refused as a possible clone', async () => {
    await post('/api/auth/logout');
    const repository = harness.app.get(UserRepository);
    const real = (await storedPasskey(aliceCredential))!.counter;
    await repository.passkeys.update(aliceCredential, { counter: real + 1_000 });
    try {
      expect(await passwordless(aliceCredential)).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
      expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ reason: 'counter_regression', userId: ALICE.id });
      expect((await storedPasskey(aliceCredential))!.counter).toBe(real + 1_000);
    } finally {
      await repository.passkeys.update(aliceCredential, { counter: real });
    }
    expect((await passwordless(aliceCredential)).status).toBe(200);
  }, 30_000);

  it('step-up with a passkey on the dashboard removes a passkey; the removed passkey signs in no more', async () => {
    // The last verification is older than the step-up window now.
    harness.clock!.advance(SIX_MINUTES);
    await page.goto(`${origin}/dashboard`);
    await page.locator('#passkeys').waitFor({ state: 'visible' });
    const refused = nextApiCall('DELETE', `/api/passkeys/${aliceCredential}`);
    await page.locator(`[data-passkey-id="${aliceCredential}"]`).getByRole('button', { name: 'Remove' }).click();
    expect((await refused).status()).toBe(403);
    const stepUp = nextApiCall('POST', '/api/auth/mfa/step-up/passkey');
    const removed = nextApiCall('DELETE', `/api/passkeys/${aliceCredential}`);
    await page.locator('.step-up').getByRole('button', { name: 'Use a passkey' }).click();
    expect((await stepUp).status()).toBe(200);
    expect((await removed).status()).toBe(204);
    await page.getByText('No passkeys yet.').waitFor({ state: 'visible' });
    expect(eventsOf('passkey.removed').at(-1)).toMatchObject({ userId: ALICE.id, credentialId: aliceCredential, factorsLeft: false });
    expect(await storedPasskey(aliceCredential)).toBeNull();

    // The authenticator still holds it; the server no longer knows it.
    await post('/api/auth/logout');
    expect(await passwordless(aliceCredential)).toMatchObject({ status: 401, data: { error: 'invalid_passkey' } });
    expect(eventsOf('passkey.failed').at(-1)).toMatchObject({ reason: 'unknown_credential', userId: undefined });
    // alice's password alone signs her in again (her last factor is gone).
    expect((await passwordLogin(ALICE)).data).toMatchObject({ mfa: 'none' });
  }, 30_000);

  it('failed passkey attempts share the MFA lock: after MFA_MAX_ATTEMPTS even a good passkey is 429', async () => {
    await post('/api/auth/logout');
    // Answers without a live challenge cannot pass, so they are not counted: bob still signs in after more than the budget.
    const { credential } = await assertion('/api/auth/passkey/options', bobCredential);
    await post('/api/auth/logout');
    for (let i = 0; i <= MFA_MAX_ATTEMPTS; i++) {
      expect((await post('/api/auth/passkey', { credential })).status).toBe(401);
    }
    expect((await passwordless(bobCredential)).status).toBe(200);
    await post('/api/auth/logout');

    await overrideBits({ isBogusSignature: true });
    try {
      for (let i = 0; i < MFA_MAX_ATTEMPTS; i++) {
        expect((await passwordless(bobCredential)).status).toBe(401);
      }
    } finally {
      await overrideBits({});
    }
    const locked = await passwordless(bobCredential);
    expect(locked).toMatchObject({ status: 429, data: { error: 'locked' } });
    expect(events.some((e) => e.type === 'mfa' && e.outcome === 'locked' && e.userId === BOB.id && e.method === 'passkey')).toBe(true);
  }, 30_000);
});
