import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSampleConfig } from '../../sample/config/sample.config.js';
import { createSampleApp } from '../../sample/sample.app.js';
import { BOB, SECRET } from '../e2e/sample/sample-harness.js';
import { isCi } from '../support/ci.js';
import { freePort } from '../support/free-port.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumPresent } from '../support/chromium.js';

const GEOIP_DB = join(import.meta.dirname, '../fixtures/geoip/GeoLite2-City-Test.mmdb');
const LONDON = '81.2.69.142';
const CHANGCHUN = '175.16.199.5';

describe.skipIf(!chromiumPresent && !isCi())('sample "Security activity" page in headless Chromium', () => {
  let app: NestExpressApplication | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let origin: string;
  let apiBase: string;
  let profileDir: string | undefined;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    apiBase = `http://127.0.0.1:${port}`;
    // The browser and Node both connect from loopback: with TRUST_PROXY=loopback their X-Forwarded-For counts.
    const config = readSampleConfig({ PORT: String(port), APP_ORIGIN: origin, SESSION_SECRET: SECRET, GEOIP_DB, TRUST_PROXY: 'loopback' });
    app = await createSampleApp(config, { logger: false });
    await app.listen(port, '127.0.0.1');
    profileDir = mkdtempSync(join(tmpdir(), 'sample-security-profile-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 15_000,
      locale: 'en-US',
      timezoneId: 'UTC',
      extraHTTPHeaders: { 'X-Forwarded-For': LONDON },
    });
    context.setDefaultTimeout(5_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageProblems.push(`console: ${message.text()}`);
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('lists the sign-ins with place and device, and the impossible travel of a sign-in from Changchun', async () => {
    await page.goto(`${origin}/login`);
    await page.getByLabel('Username').fill(BOB.username);
    await page.getByLabel('Password').fill(BOB.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${origin}/dashboard`);

    // Someone with bob's password signs in from Changchun a moment later.
    const far = await fetch(`${apiBase}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': CHANGCHUN, 'User-Agent': 'curl/8.5.0' },
      body: JSON.stringify({ username: BOB.username, password: BOB.password }),
    });
    expect(far.status).toBe(200);

    await page.getByRole('link', { name: 'Security activity' }).click();
    await page.waitForURL(`${origin}/security`);
    const rows = page.locator('#events > li');
    await rows.first().waitFor({ state: 'visible' });
    const texts = await rows.allTextContents();
    const travel = texts.find((text) => text.includes('Impossible travel between sign-ins'));
    expect(travel).toBeDefined();
    expect(travel).toContain('London, GB → Changchun, CN');
    expect(travel).toMatch(/\b8\d{3} km\b/);
    expect(texts.some((text) => text.includes('Signed in') && text.includes('London, GB (81.2.69.0/24)') && text.includes('Chrome'))).toBe(true);
    expect(texts.some((text) => text.includes('Signed in') && text.includes('Changchun, CN (175.16.199.0/24)'))).toBe(true);

    await page.goto(`${origin}/devices`);
    await page.locator('#devices > li').nth(1).waitFor({ state: 'visible' });
    const devices = await page.locator('#devices > li').allTextContents();
    expect(devices.some((text) => text.includes('London, GB'))).toBe(true);
    expect(devices.some((text) => text.includes('Changchun, CN'))).toBe(true);
    expect(pageProblems).toEqual([]);
  }, 30_000);
});
