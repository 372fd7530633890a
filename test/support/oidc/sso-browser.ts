import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, chromiumPresent } from '../chromium.js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const STEP_TIMEOUT_MS = 8_000;

/** One headless Chromium for a spec file: open it in beforeAll, close it in afterAll. */
export class SsoBrowser {
  context!: BrowserContext;
  private profileDir: string | undefined;

  async open(): Promise<void> {
    this.profileDir = mkdtempSync(join(tmpdir(), 'oidc-sso-profile-'));
    this.context = await chromium.launchPersistentContext(this.profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 15_000,
      locale: 'en-US',
    });
    this.context.setDefaultTimeout(STEP_TIMEOUT_MS);
    this.context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  }

  /** A fresh start for the next test: no cookies of any site. */
  async reset(): Promise<Page> {
    await this.context.clearCookies();
    for (const page of this.context.pages().slice(1)) await page.close();
    return this.context.pages()[0] ?? (await this.context.newPage());
  }

  async close(): Promise<void> {
    await this.context?.close();
    if (this.profileDir) rmSync(this.profileDir, { recursive: true, force: true });
  }

  /** The User-Agent the browser sends (the apps bind sessions to it). */
  async userAgent(page: Page): Promise<string> {
    return page.evaluate('navigator.userAgent') as Promise<string>;
  }
}

/**
 * Clicks "Sign in with single sign-on" on the app's login page and goes through the provider's
 * dev interactions (login when the provider has no session yet, then consent), ending on the
 * app's dashboard.
 */
export async function signInWithSso(page: Page, appOrigin: string, login = 'alice'): Promise<void> {
  await page.goto(`${appOrigin}/login`);
  await page.click('#sso');
  await passProviderPages(page, `${appOrigin}/dashboard`, login);
  await page.waitForURL(`${appOrigin}/dashboard`);
  expect(page.url()).toBe(`${appOrigin}/dashboard`);
}

/** Fills the provider's login and consent pages until the browser is at a URL starting with `until`. */
export async function passProviderPages(page: Page, until: string, login = 'alice'): Promise<void> {
  for (let step = 0; step < 4; step++) {
    await page.waitForLoadState('domcontentloaded');
    if (page.url().startsWith(until)) break;
    if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', 'any-password');
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    } else if (await page.locator('input[name="prompt"][value="consent"]').count()) {
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    } else {
      throw new Error(`unexpected page during sign-in: ${page.url()} ${(await page.content()).slice(0, 500)}`);
    }
  }
}

/** Confirms "Yes, sign me out" on the provider's logout page. */
export async function confirmProviderLogout(page: Page): Promise<void> {
  await page.waitForSelector('button[name="logout"][value="yes"]');
  await Promise.all([page.waitForNavigation(), page.click('button[name="logout"][value="yes"]')]);
}
