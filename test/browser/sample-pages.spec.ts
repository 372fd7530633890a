import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readSampleConfig } from '../../sample/config/sample.config.js';
import { createSampleApp } from '../../sample/sample.app.js';
import { awayFromStepEnd } from '../support/totp-step.js';
import { ALICE, BOB, codeAt, COOKIE, SECRET, secretOf, wrongCode } from '../e2e/sample/sample-harness.js';
import { parseSetCookie } from '../support/http-client.js';
import { freePort } from '../support/free-port.js';
import { isCi } from '../support/ci.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumPresent } from '../support/chromium.js';

const chromiumRequired = isCi();


/** Each browser step waits at most this long; the whole flow stays well under the test's timeout. */
const STEP_TIMEOUT_MS = 5_000;

/** Low limits, so the pages' 429 answers can be reached in a few clicks. */
const MAX_LOGIN_FAILURES = 3;
const MFA_MAX_ATTEMPTS = 3;

const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

/**
 * Another device of the user, signing in through the API from Node: its own cookie, and always
 * the same User-Agent (the module binds a session to it).
 */
class ApiDevice {
  private cookie: string | undefined;

  constructor(
    private readonly base: string,
    private readonly userAgent: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: object): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, Accept: 'application/json' };
    if (this.cookie !== undefined) headers['Cookie'] = this.cookie;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const line of res.headers.getSetCookie()) {
      const cookie = parseSetCookie(line);
      if (cookie.name === COOKIE) this.cookie = cookie.value === '' ? undefined : `${cookie.name}=${cookie.value}`;
    }
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }

  async login(user: { username: string; password: string }): Promise<'none' | 'required'> {
    user = { username: user.username, password: user.password };
    const res = await this.call<{ mfa: 'none' | 'required' }>('POST', '/api/auth/login', user);
    expect(res.status).toBe(200);
    return res.body.mfa;
  }

  /** Whether this device's session still reaches GET /api/me. */
  async meStatus(): Promise<number> {
    return (await this.call('GET', '/api/me')).status;
  }
}

if (!chromiumPresent && !chromiumRequired) {
  console.warn(
    `\n${'!'.repeat(78)}\n  ${CHROMIUM} is NOT installed: the browser test of the sample's pages is SKIPPED.\n` +
      `  Install it: apt-get install -y chromium\n${'!'.repeat(78)}\n`,
  );
}

describe.skipIf(!chromiumPresent && !chromiumRequired)('sample pages in headless Chromium (memory store)', () => {
  let app: NestExpressApplication | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let origin: string;
  /** The same server for Node's own requests (no Origin header: the CSRF check lets them pass). */
  let apiBase: string;
  /** alice's TOTP secret and recovery codes, from the first test's enrolment. */
  let aliceSecret: string;
  let aliceRecoveryCodes: string[];
  /** bob's TOTP secret once the third test has enrolled him through the enrolment page. */
  let bobSecret: string;
  let profileDir: string | undefined;
  /** SAMPLE_SCREENSHOTS=dir keeps the screenshots there; otherwise they go to a temp dir kept only on failure. */
  let screenshots: string | undefined;
  let keepScreenshots = process.env.SAMPLE_SCREENSHOTS !== undefined;
  /** Script errors and CSP refusals the pages caused. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!chromiumPresent) throw new Error(`CI=true and ${CHROMIUM} is missing: apt-get install -y chromium`);
    screenshots = process.env.SAMPLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'sample-pages-'));
    mkdirSync(screenshots, { recursive: true });
    const port = await freePort();
    // The origin the browser uses is APP_ORIGIN: the pages move the browser there, and the CSRF check compares with it.
    origin = `http://localhost:${port}`;
    apiBase = `http://127.0.0.1:${port}`;
    const config = readSampleConfig({
      PORT: String(port),
      APP_ORIGIN: origin,
      SESSION_SECRET: SECRET,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_LOGIN_FAILURES),
      MFA_MAX_ATTEMPTS: String(MFA_MAX_ATTEMPTS),
    });
    app = await createSampleApp(config, { logger: false });
    await app.listen(port, '127.0.0.1');

    profileDir = mkdtempSync(join(tmpdir(), 'sample-pages-profile-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 15_000,
      viewport: { width: 800, height: 720 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Chromium logs every 4xx API answer as "Failed to load resource"; the pages expect those.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageProblems.push(`console: ${message.text()}`);
      }
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    if (!screenshots) return;
    if (keepScreenshots) console.log(`sample page screenshots: ${screenshots}`);
    else rmSync(screenshots, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(screenshots!, `${name}.png`), fullPage: true });
  const at = (path: string) => page.waitForURL(`${origin}${path}`);
  /** The answer to the next `method path` API call the page makes. */
  const nextApiCall = (method: string, path: string): Promise<Response> =>
    page.waitForResponse((res) => res.url() === `${origin}${path}` && res.request().method() === method);
  /** A JavaScript expression evaluated in the page (a string: this project's typecheck has no DOM types). */
  const inPage = <T>(expression: string) => page.evaluate(expression) as Promise<T>;
  const sessionCookie = async () => (await context!.cookies(origin)).find((cookie) => cookie.name === COOKIE);

  /** Submits `code` in the page's code form; resolves to the API's answer. */
  async function submitCode(button: string, path: string, code: string): Promise<Response> {
    await page.getByLabel('Code', { exact: true }).fill(code);
    const answer = nextApiCall('POST', path);
    await page.getByRole('button', { name: button }).click();
    return answer;
  }

  /** The error line shows exactly the message the API sent, and the field to retype has the focus. */
  async function expectErrorShown(answer: Response, retype: string): Promise<void> {
    const error = page.getByRole('alert');
    await error.waitFor({ state: 'visible' });
    const body = (await answer.json()) as { message: string };
    expect(body.message.length).toBeGreaterThan(0);
    expect(await error.textContent()).toBe(body.message);
    expect(await page.locator(':focus').getAttribute('name')).toBe(retype);
  }

  /** Waits for the dashboard to show what GET /api/me answered; `mfa`: whether that says a code was verified. */
  async function expectDashboard(me: Promise<Response>, username: string, mfa?: boolean): Promise<void> {
    await at('/dashboard');
    const body = (await (await me).json()) as { user: { username: string }; session: { mfa: boolean } };
    expect(body.user.username).toBe(username);
    if (mfa !== undefined) expect(body.session.mfa).toBe(mfa);
    await page.locator('#info').waitFor({ state: 'visible' });
    expect(await page.locator('#username').textContent()).toBe(username);
    const verified = body.session.mfa ? 'verified in this session' : 'not verified in this session';
    expect(await page.locator('#mfa').textContent()).toBe(verified);
    expect(await page.locator('#loading').isHidden()).toBe(true);
  }

  it('alice logs in, enrols in MFA through the QR page, logs out, and logs in again through the code page', async () => {
    onTestFailed(() => {
      keepScreenshots = true;
    });

    // Login form: a wrong password is explained in place; the right one reaches the dashboard.
    await page.goto(`${origin}/`);
    await at('/login');
    await shot('01-login');
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill('not-the-password');
    let answer = nextApiCall('POST', '/api/auth/login');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect((await answer).status()).toBe(401);
    await expectErrorShown(await answer, 'password');
    expect(page.url()).toBe(`${origin}/login`);
    await shot('02-login-wrong-password');

    await page.getByLabel('Password').fill(ALICE.password);
    let me = nextApiCall('GET', '/api/me');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectDashboard(me, ALICE.username, false);
    const cookie = await sessionCookie();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    // HttpOnly: the page's scripts cannot read it.
    expect(await inPage<string>('document.cookie')).not.toContain(`${COOKIE}=`);
    await shot('03-dashboard');

    // Enrolment: the QR code is the PNG the API sent; the secret comes from the same answer.
    const started = nextApiCall('POST', '/api/mfa/enroll');
    await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
    await at('/mfa/enroll');
    const enrollment = (await (await started).json()) as { otpauthUrl: string; qrDataUrl: string };
    expect(enrollment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(enrollment.qrDataUrl.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const pngWidth = png.readUInt32BE(16);
    const qr = page.getByRole('img', { name: 'QR code of the new two-factor secret' });
    await qr.waitFor({ state: 'visible' });
    expect(await qr.getAttribute('src')).toBe(enrollment.qrDataUrl);
    // Chromium decoded the PNG (its width is the one in the PNG header) and draws it large enough to scan.
    expect(pngWidth).toBeGreaterThan(100);
    expect(await inPage<boolean>(`document.getElementById('qr').complete`)).toBe(true);
    expect(await inPage<number>(`document.getElementById('qr').naturalWidth`)).toBe(pngWidth);
    expect((await qr.boundingBox())?.width).toBeGreaterThanOrEqual(160);
    expect(await page.locator('#otpauth-url').textContent()).toBe(enrollment.otpauthUrl);
    const secret = secretOf(enrollment.otpauthUrl);
    aliceSecret = secret;
    await shot('04-enroll-qr');

    // A wrong code is refused in place and the enrolment stays open.
    answer = submitCode('Confirm', '/api/mfa/enroll/confirm', await wrongCode(secret));
    expect((await answer).status()).toBe(400);
    await expectErrorShown(await answer, 'code');
    expect(page.url()).toBe(`${origin}/mfa/enroll`);
    expect(await qr.isVisible()).toBe(true);
    await shot('05-enroll-wrong-code');

    // The previous step's code confirms, so the current step's code is still unused for the MFA login below.
    // Chromium's fill and click take up to STEP_TIMEOUT_MS each: a wider margin.
    await awayFromStepEnd(8_000);
    answer = submitCode('Confirm', '/api/mfa/enroll/confirm', await codeAt(secret, -30));
    expect((await answer).status()).toBe(200);
    await page.locator('#done').waitFor({ state: 'visible' });
    expect(await page.locator('#scan').isHidden()).toBe(true);
    expect(await page.getByRole('alert').isHidden()).toBe(true);
    const { recoveryCodes } = (await (await answer).json()) as { recoveryCodes: string[] };
    aliceRecoveryCodes = recoveryCodes;
    const recoveryList = page.locator('#recovery-codes li');
    expect(await recoveryList.allTextContents()).toEqual(recoveryCodes);
    expect(await page.locator('#recovery').isVisible()).toBe(recoveryCodes.length > 0);
    await shot('06-enroll-done');

    // Logout: the browser holds no session cookie any more, and the dashboard sends back to the login form.
    me = nextApiCall('GET', '/api/me');
    await page.getByRole('link', { name: 'Back to the dashboard' }).click();
    await expectDashboard(me, ALICE.username);
    const loggedOut = nextApiCall('POST', '/api/auth/logout');
    await page.getByRole('button', { name: 'Log out' }).click();
    expect((await loggedOut).status()).toBe(204);
    await at('/login');
    expect(await sessionCookie()).toBeUndefined();
    await page.goto(`${origin}/dashboard`);
    await at('/login');

    // Login with MFA: the password leads to the code page; a wrong code stays there with a message.
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await at('/mfa');
    await shot('07-mfa');
    answer = submitCode('Verify', '/api/auth/mfa/verify', await wrongCode(secret));
    expect((await answer).status()).toBe(401);
    await expectErrorShown(await answer, 'code');
    expect(page.url()).toBe(`${origin}/mfa`);
    await shot('08-mfa-wrong-code');

    me = nextApiCall('GET', '/api/me');
    answer = submitCode('Verify', '/api/auth/mfa/verify', await codeAt(secret));
    expect((await answer).status()).toBe(200);
    await expectDashboard(me, ALICE.username, true);
    await shot('09-dashboard-after-mfa');

    expect(pageProblems).toEqual([]);
  }, 30_000);

  it('the dashboard fetches an access token and calls the bearer-only /api/token/me with it, without cookies', async () => {
    onTestFailed(() => {
      keepScreenshots = true;
    });
    // alice is still signed in, MFA verified (the previous test).
    await page.goto(`${origin}/dashboard`);
    const button = page.getByRole('button', { name: 'Try an access token' });
    await button.waitFor({ state: 'visible' });
    const minted = nextApiCall('POST', '/api/tokens');
    const used = nextApiCall('GET', '/api/token/me');
    await button.click();
    expect((await minted).status()).toBe(200);
    const answer = await used;
    expect(answer.status()).toBe(200);
    const headers = await answer.request().allHeaders();
    expect(headers['authorization']).toMatch(/^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(headers['cookie']).toBeUndefined();
    const result = page.locator('#token-result');
    await result.waitFor({ state: 'visible' });
    expect(await result.textContent()).toMatch(/^The API accepted the token as alice \(device [A-Za-z0-9_-]{22}\); it expires in \d+ s\.$/);
    await shot('09b-dashboard-token');
    expect(pageProblems).toEqual([]);
  }, 30_000);

  /** Enrols the device's user from Node; confirms with the previous step's code, so the current one stays unused. */
  async function enrolFromNode(device: ApiDevice): Promise<string> {
    const started = await device.call<{ otpauthUrl: string }>('POST', '/api/mfa/enroll');
    expect(started.status).toBe(200);
    const secret = secretOf(started.body.otpauthUrl);
    // The same margin as the pages' own confirmations: this machine also runs Chromium.
    await awayFromStepEnd(8_000);
    expect((await device.call('POST', '/api/mfa/enroll/confirm', { code: await codeAt(secret, -30) })).status).toBe(200);
    return secret;
  }

  /** Clicks the page's "Log out" and waits for the login page (the click's navigation must end before the next). */
  async function logOut(): Promise<void> {
    await page.getByRole('button', { name: 'Log out' }).click();
    await at('/login');
  }

  /** Logs in through the login form; resolves once the page it leads to is open. */
  async function logInAs(user: { username: string; password: string }, next: string): Promise<void> {
    if (page.url() !== `${origin}/login`) await page.goto(`${origin}/login`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await at(next);
  }

  const deviceRows = () => page.locator('#devices > li');

  /** Waits until the devices list shows `count` rows (after a reload of the list). */
  async function expectDeviceCount(count: number): Promise<void> {
    // Locators, not waitForFunction: the pages' CSP refuses the eval that a string function needs.
    await deviceRows().nth(count).waitFor({ state: 'detached' });
    await deviceRows().nth(count - 1).waitFor({ state: 'attached' });
    expect(await deviceRows().count()).toBe(count);
  }

  it('the devices page lists this device and the others; one is signed out from the page, then all others, then this one', async () => {
    onTestFailed(() => {
      keepScreenshots = true;
    });
    expect(aliceSecret).toBeDefined();
    // Two more devices of alice: one passed MFA (with a recovery code), one still waits for its code.
    const laptop = new ApiDevice(apiBase, FIREFOX_WINDOWS);
    expect(await laptop.login(ALICE)).toBe('required');
    expect((await laptop.call('POST', '/api/auth/mfa/recovery', { code: aliceRecoveryCodes.at(-1) })).status).toBe(200);
    const phone = new ApiDevice(apiBase, SAFARI_IPHONE);
    expect(await phone.login(ALICE)).toBe('required');

    await page.goto(`${origin}/dashboard`);
    const listed = nextApiCall('GET', '/api/sessions');
    await page.getByRole('link', { name: 'Your devices' }).click();
    await at('/devices');
    const rows = (await (await listed).json()) as { id: string; current: boolean; mfa: boolean }[];
    expect(rows).toHaveLength(3);
    await expectDeviceCount(3);

    // This browser: headless Chromium's agent is not one the summary knows, so the raw string shows.
    const userAgent = await inPage<string>('navigator.userAgent');
    const current = page.locator('#devices > li.is-current');
    expect(await current.count()).toBe(1);
    // This device comes first.
    expect(await deviceRows().first().getAttribute('class')).toContain('is-current');
    expect(await current.locator('.badge.current').isVisible()).toBe(true);
    expect(await current.locator('.badge.current').textContent()).toBe('This device');
    expect(await current.locator('.badge.pending').isVisible()).toBe(false);
    // ua-parser-js recognises headless Chromium (the hand-written patterns did not): no raw agent needed.
    const major = /HeadlessChrome\/(\d+)/.exec(userAgent)?.[1];
    expect(major).toBeDefined();
    expect(await current.locator('.name').textContent()).toBe(`Chrome Headless ${major} on Linux`);
    expect(await current.locator('.device-agent').isHidden()).toBe(true);
    expect(await current.locator('.device-meta').textContent()).toContain('Active now');
    expect(await current.locator('.ip').textContent()).toMatch(/127\.0\.0\.1|::1/);

    const phoneRow = deviceRows().filter({ hasText: 'Safari 17 on iOS' });
    expect(await phoneRow.locator('.badge.pending').isVisible()).toBe(true);
    expect(await phoneRow.locator('.badge.pending').textContent()).toBe('MFA pending');
    expect(await phoneRow.locator('.badge.current').isVisible()).toBe(false);
    expect(await phoneRow.locator('.device-agent').isVisible()).toBe(false);
    expect(await phoneRow.locator('.device-meta').textContent()).toMatch(/Last active just now · Signed in \w{3} \d{1,2}, \d{4}/);
    const laptopRow = deviceRows().filter({ hasText: 'Firefox 128 on Windows' });
    expect(await laptopRow.locator('.badge.pending').isVisible()).toBe(false);
    await shot('10-devices');

    // Sign out the phone: its row goes, its cookie is dead on its next request.
    let answer = nextApiCall('DELETE', `/api/sessions/${rows.find((row) => !row.current && !row.mfa)!.id}`);
    await page.getByRole('button', { name: 'Sign out Safari 17 on iOS', exact: true }).click();
    expect((await answer).status()).toBe(204);
    await expectDeviceCount(2);
    expect(await page.getByRole('status').textContent()).toBe('Safari 17 on iOS is signed out.');
    expect(await phone.meStatus()).toBe(401);
    expect(await laptop.meStatus()).toBe(200);

    // Sign out all the others: only this device is left, and the button goes.
    answer = nextApiCall('POST', '/api/sessions/revoke-others');
    await page.getByRole('button', { name: 'Sign out all other devices' }).click();
    expect((await answer).status()).toBe(204);
    await expectDeviceCount(1);
    expect(await page.getByRole('status').textContent()).toBe('All other devices are signed out.');
    expect(await page.getByRole('button', { name: 'Sign out all other devices' }).isVisible()).toBe(false);
    expect(await laptop.meStatus()).toBe(401);
    await shot('11-devices-only-this-one');

    // Signing out this device is a logout: the login page, no cookie left.
    answer = nextApiCall('DELETE', `/api/sessions/${rows.find((row) => row.current)!.id}`);
    await page.getByRole('button', { name: 'Sign out this device' }).click();
    expect((await answer).status()).toBe(204);
    await at('/login');
    expect(await sessionCookie()).toBeUndefined();

    expect(pageProblems).toEqual([]);
  }, 30_000);

  it('alice logs in with a recovery code through the MFA page; the dashboard then offers the MFA changes, not enrolment', async () => {
    onTestFailed(() => {
      keepScreenshots = true;
    });
    await logInAs(ALICE, '/mfa');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    const field = page.getByLabel('Recovery code');
    await field.waitFor({ state: 'visible' });
    expect(await page.getByLabel('Code', { exact: true }).isVisible()).toBe(false);
    expect(await page.locator(':focus').getAttribute('name')).toBe('recoveryCode');
    await shot('12-mfa-recovery');

    await field.fill('aaaa-bbbb-cccc-dddd');
    let answer = nextApiCall('POST', '/api/auth/mfa/recovery');
    await page.getByRole('button', { name: 'Use recovery code' }).click();
    expect((await answer).status()).toBe(401);
    await expectErrorShown(await answer, 'recoveryCode');

    await field.fill(aliceRecoveryCodes[0]!);
    const me = nextApiCall('GET', '/api/me');
    answer = nextApiCall('POST', '/api/auth/mfa/recovery');
    await page.getByRole('button', { name: 'Use recovery code' }).click();
    expect((await answer).status()).toBe(200);
    await expectDashboard(me, ALICE.username, true);
    const twoFactor = page.locator('#two-factor');
    await twoFactor.waitFor({ state: 'visible' });
    expect(await page.getByRole('link', { name: 'Set up two-factor authentication' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Regenerate recovery codes' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Turn off two-factor authentication' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Move to a new authenticator' }).isVisible()).toBe(true);
    await shot('13-dashboard-enrolled');

    await logOut();
    expect(pageProblems).toEqual([]);
  }, 30_000);

  it('bob regenerates recovery codes and turns MFA off after a step-up code; re-enrolment asks for one too', async () => {
    onTestFailed(() => {
      keepScreenshots = true;
    });
    // bob's browser session starts without MFA; then he enrols elsewhere: this session must step up.
    await logInAs(BOB, '/dashboard');
    await page.getByRole('link', { name: 'Set up two-factor authentication' }).waitFor({ state: 'visible' });
    expect(await page.getByRole('button', { name: 'Regenerate recovery codes' }).isVisible()).toBe(false);
    const elsewhere = new ApiDevice(apiBase, FIREFOX_WINDOWS);
    await elsewhere.login(BOB);
    let secret = await enrolFromNode(elsewhere);

    await page.reload();
    const regenerate = page.getByRole('button', { name: 'Regenerate recovery codes' });
    await regenerate.waitFor({ state: 'visible' });
    let answer = nextApiCall('POST', '/api/mfa/recovery-codes');
    await regenerate.click();
    expect((await answer).status()).toBe(403);
    const stepUpCode = page.getByLabel('Authenticator code');
    await stepUpCode.waitFor({ state: 'visible' });
    expect(await page.locator(':focus').getAttribute('name')).toBe('code');

    // A wrong code is refused in the prompt; the right one unlocks the change, which runs again.
    await stepUpCode.fill(await wrongCode(secret));
    answer = nextApiCall('POST', '/api/auth/mfa/step-up');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect((await answer).status()).toBe(401);
    await expectErrorShown(await answer, 'code');
    await shot('14-dashboard-step-up');
    await stepUpCode.fill(await codeAt(secret));
    const steppedUp = nextApiCall('POST', '/api/auth/mfa/step-up');
    const regenerated = nextApiCall('POST', '/api/mfa/recovery-codes');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect((await steppedUp).status()).toBe(200);
    expect((await regenerated).status()).toBe(200);
    const { recoveryCodes } = (await (await regenerated).json()) as { recoveryCodes: string[] };
    await page.locator('#new-codes').waitFor({ state: 'visible' });
    expect(await page.locator('#recovery-codes li').allTextContents()).toEqual(recoveryCodes);
    expect(await stepUpCode.count()).toBe(0);
    await shot('15-dashboard-new-recovery-codes');

    // Fresh from the step-up: turning MFA off needs no second code.
    answer = nextApiCall('DELETE', '/api/mfa');
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    expect((await answer).status()).toBe(204);
    await page.getByRole('link', { name: 'Set up two-factor authentication' }).waitFor({ state: 'visible' });
    expect(await page.getByRole('status').textContent()).toContain('Two-factor authentication is off');
    expect(await page.locator('#new-codes').isVisible()).toBe(false);

    // Again a session from before an enrolment elsewhere: moving to a new authenticator asks for a code first.
    await logOut();
    await logInAs(BOB, '/dashboard');
    secret = await enrolFromNode(elsewhere);
    await page.reload();
    const started = nextApiCall('POST', '/api/mfa/enroll');
    await page.getByRole('link', { name: 'Move to a new authenticator' }).click();
    await at('/mfa/enroll');
    expect((await started).status()).toBe(403);
    await stepUpCode.waitFor({ state: 'visible' });
    expect(await page.locator('#loading').isVisible()).toBe(false);
    expect(await page.locator('#scan').isVisible()).toBe(false);
    await stepUpCode.fill(await codeAt(secret));
    const restarted = nextApiCall('POST', '/api/mfa/enroll');
    await page.getByRole('button', { name: 'Continue' }).click();
    const enrollment = (await (await restarted).json()) as { otpauthUrl: string };
    await page.getByRole('img', { name: 'QR code of the new two-factor secret' }).waitFor({ state: 'visible' });
    const newSecret = secretOf(enrollment.otpauthUrl);
    expect(newSecret).not.toBe(secret);
    bobSecret = newSecret;
    answer = submitCode('Confirm', '/api/mfa/enroll/confirm', await codeAt(newSecret));
    expect((await answer).status()).toBe(200);
    await page.locator('#done').waitFor({ state: 'visible' });

    expect(pageProblems).toEqual([]);
  }, 30_000);

  it('429 answers count down in place: MFA locked on the code page, login throttled on the login page', async () => {
    onTestFailed(() => {
      keepScreenshots = true;
    });
    // bob is enrolled (the previous test): MFA_MAX_ATTEMPTS wrong codes lock his MFA step.
    await page.goto(`${origin}/dashboard`);
    await logOut();
    await logInAs(BOB, '/mfa');
    for (let attempt = 1; attempt <= MFA_MAX_ATTEMPTS; attempt++) {
      const answer = submitCode('Verify', '/api/auth/mfa/verify', await wrongCode(bobSecret));
      expect((await answer).status()).toBe(401);
    }
    let answer = submitCode('Verify', '/api/auth/mfa/verify', await wrongCode(bobSecret));
    expect((await answer).status()).toBe(429);
    const retryAfter = Number((await answer).headers()['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    const error = page.getByRole('alert');
    await error.filter({ hasText: /^Too many wrong codes\./ }).waitFor();
    const locked = await error.textContent();
    expect(locked).toMatch(/^Too many wrong codes\. Try again in \d+ seconds?\.$/);
    expect(Number(/in (\d+) second/.exec(locked!)![1])).toBeLessThanOrEqual(retryAfter);
    expect(await page.getByRole('button', { name: 'Verify' }).isDisabled()).toBe(true);
    await shot('16-mfa-locked');

    // Login throttling: bob's password is wrong MAX_LOGIN_FAILURES times, then the form says how long to wait.
    await logOut();
    await page.getByLabel('Username').fill(BOB.username);
    for (let attempt = 1; attempt <= MAX_LOGIN_FAILURES; attempt++) {
      await page.getByLabel('Password').fill('not-the-password');
      answer = nextApiCall('POST', '/api/auth/login');
      await page.getByRole('button', { name: 'Log in' }).click();
      expect((await answer).status()).toBe(401);
    }
    await page.getByLabel('Password').fill(BOB.password);
    answer = nextApiCall('POST', '/api/auth/login');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect((await answer).status()).toBe(429);
    await error.filter({ hasText: /^Too many failed logins\./ }).waitFor();
    // The default window is 15 minutes: minutes and seconds.
    expect(await error.textContent()).toMatch(/^Too many failed logins\. Try again in 1[45] min \d{1,2} s\.$/);
    expect(await page.getByRole('button', { name: 'Log in' }).isDisabled()).toBe(true);
    expect(page.url()).toBe(`${origin}/login`);
    await shot('17-login-throttled');

    expect(pageProblems).toEqual([]);
  }, 30_000);
});
