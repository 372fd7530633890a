import type { INestApplication } from '@nestjs/common';
import type { RedisClientType } from 'redis';
import type { Response } from 'supertest';
import { type SessionIndex, type SessionModuleOptions } from '../../../../lib/index.js';
import { SESSION_INDEX } from '../../../../lib/session.internal-constants.js';
import { BrowserClient } from '../../../support/http-client.js';
import { connectTestRedis, deleteKeys, uniquePrefix, type StoreUnderTest } from '../../../support/stores.js';
import { createTestApp } from '../create-test-app.js';
import { DEVICE_APP_ROUTES } from '../route-sets.js';
import { InMemoryMfaSecrets, testOptions } from '../secrets.js';
import { EnrolledUsers } from './enrolled-users.js';


export const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
export const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

/** One row of GET /api/sessions. */
export interface SessionRow {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  browser: string | null;
  os: string | null;
  mfa: boolean;
}

/** A running devices fixture on one store, with the helpers the device suites share. */
export class DevicesHarness {
  private constructor(
    readonly app: INestApplication,
    readonly under: StoreUnderTest,
    readonly prefix: string,
    readonly secrets: InMemoryMfaSecrets,
    readonly redis: RedisClientType | undefined,
    private readonly ownsPrefix: boolean,
  ) {}

  /**
   * Starts the fixture. Pass `sharePrefixOf` to run a second app instance on the same Redis
   * keys (and the same MFA secrets), as a second server behind a load balancer would.
   */
  static async start(
    under: StoreUnderTest,
    overrides: Partial<SessionModuleOptions> = {},
    sharePrefixOf?: DevicesHarness,
  ): Promise<DevicesHarness> {
    const prefix = sharePrefixOf?.prefix ?? uniquePrefix('devices');
    const secrets = sharePrefixOf?.secrets ?? new InMemoryMfaSecrets();
    const app = await createTestApp({
      session: testOptions({ store: under.options(prefix), mfa: { secretStore: secrets, issuer: 'Test' }, ...overrides }),
      routes: DEVICE_APP_ROUTES,
    });
    const redis = under.name === 'redis' ? await connectTestRedis() : undefined;
    return new DevicesHarness(app, under, prefix, secrets, redis, !sharePrefixOf);
  }

  browser(userAgent = FIREFOX_WINDOWS): DevicesBrowser {
    return new DevicesBrowser(this.app, userAgent);
  }

  /** A browser logged in as `user` (fully authenticated unless the user is enrolled in MFA). */
  async loggedIn(user: string, userAgent?: string): Promise<DevicesBrowser> {
    const browser = this.browser(userAgent);
    const res = await browser.post('/login', { user });
    if (res.status !== 200) throw new Error(`login of ${user} answered ${res.status} ${JSON.stringify(res.body)}`);
    return browser;
  }

  /** Users enrolled here, with their plain secrets (the app's store holds them encrypted). */
  private readonly users = new EnrolledUsers(() => this.app);

  /** Enrols `user` in TOTP through MfaService.importEnrollment; returns the secret. */
  async enrollMfa(user: string): Promise<string> {
    return (await this.users.enroll(user)).secret;
  }

  /** POST /mfa/verify with the user's current code. */
  async verifyMfa(browser: DevicesBrowser, user: string): Promise<Response> {
    const secret = this.users.secretOf(user);
    if (!secret) throw new Error(`${user} is not enrolled`);
    return browser.post('/mfa/verify', { code: await this.users.code(secret) });
  }

  /** GET /api/sessions as `browser`; throws unless 200. */
  async list(browser: DevicesBrowser): Promise<SessionRow[]> {
    const res = await browser.get('/api/sessions');
    if (res.status !== 200) throw new Error(`GET /api/sessions answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as SessionRow[];
  }

  /** The index the module built, to look under the API. */
  index(): SessionIndex {
    return this.app.get<SessionIndex | undefined>(SESSION_INDEX)!;
  }

  /** The Redis keys of `userId`'s index. */
  indexKeys(userId: string): [string, string, string] {
    const base = `${this.prefix}devices:{u:${encodeURIComponent(userId)}}`;
    return [`${base}:by-expiry`, `${base}:entries`, `${base}:seq`];
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.redis) {
      if (this.ownsPrefix) await deleteKeys(this.redis, this.prefix);
      await this.redis.close();
    }
  }
}

/** A BrowserClient that always sends one User-Agent. */
export class DevicesBrowser extends BrowserClient {
  constructor(
    app: INestApplication,
    readonly userAgent: string,
  ) {
    super(app, { headers: { 'User-Agent': userAgent } });
  }

  /** A copy of the cookies from the same browser (same User-Agent): a stolen cookie, a second tab. */
  override clone(): DevicesBrowser {
    return this.on(this.app);
  }

  /** The same cookies, sent to another app instance. */
  on(app: INestApplication): DevicesBrowser {
    return this.copyCookiesTo(new DevicesBrowser(app, this.userAgent));
  }
}
