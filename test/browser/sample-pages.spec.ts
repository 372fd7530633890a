import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readSampleConfig } from '../../sample/config/sample.config.js';
import { createSampleApp } from '../../sample/sample.app.js';
import { ALICE, codeAt, COOKIE, SECRET, secretOf, wrongCode } from '../e2e/sample/sample-harness.js';
import { freePort } from '../support/free-port.js';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser builds cannot be downloaded here. */
const CHROMIUM = '/usr/bin/chromium';
const chromiumPresent = existsSync(CHROMIUM);
const chromiumRequired = process.env.CI === 'true';

/** No outside network: nothing that makes Chromium phone home, and a profile of its own. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Each browser step waits at most this long; the whole flow stays well under the test's timeout. */
const STEP_TIMEOUT_MS = 5_000;
const TOTP_STEP_MS = 30_000;

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
    const config = readSampleConfig({ PORT: String(port), APP_ORIGIN: origin, SESSION_SECRET: SECRET });
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
    await page.getByLabel('Code').fill(code);
    const answer = nextApiCall('POST', path);
    await page.getByRole('button', { name: button }).click();
    return answer;
  }

  /**
   * A code of the previous step is accepted only while the server is still in the next one: when less
   * than 2 s of the current step remain, wait for the next step (at most 2 s) before making such a code.
   */
  async function awayFromStepEnd(): Promise<void> {
    const left = TOTP_STEP_MS - (Date.now() % TOTP_STEP_MS);
    if (left < 2_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
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
    await shot('04-enroll-qr');

    // A wrong code is refused in place and the enrolment stays open.
    answer = submitCode('Confirm', '/api/mfa/enroll/confirm', await wrongCode(secret));
    expect((await answer).status()).toBe(400);
    await expectErrorShown(await answer, 'code');
    expect(page.url()).toBe(`${origin}/mfa/enroll`);
    expect(await qr.isVisible()).toBe(true);
    await shot('05-enroll-wrong-code');

    // The previous step's code confirms, so the current step's code is still unused for the MFA login below.
    await awayFromStepEnd();
    answer = submitCode('Confirm', '/api/mfa/enroll/confirm', await codeAt(secret, -30));
    expect((await answer).status()).toBe(200);
    await page.locator('#done').waitFor({ state: 'visible' });
    expect(await page.locator('#scan').isHidden()).toBe(true);
    expect(await page.getByRole('alert').isHidden()).toBe(true);
    const { recoveryCodes } = (await (await answer).json()) as { recoveryCodes: string[] };
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
});
