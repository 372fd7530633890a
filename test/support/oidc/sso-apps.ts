import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { readSampleConfig } from '../../../sample/config/sample.config.js';
import { createSampleApp } from '../../../sample/sample.app.js';
import { freePort } from '../free-port.js';
import { REDIS_URL } from '../redis-url.js';
import { connectTestRedis, deleteKeys, uniquePrefix, type StoreUnderTest } from '../stores.js';
import { rsaKey, TestProvider } from './test-provider.js';

export const SSO_SECRET = 'oidc-test-secret-oidc-test-secret-0123456789ab';
export const BACKCHANNEL_PATH = '/api/auth/oidc/backchannel-logout';

/** One relying party: the sample app, as one instance or (Redis) two sharing one store. */
export interface SsoApp {
  clientId: string;
  clientSecret: string;
  /** The origin the browser uses (APP_ORIGIN). */
  origin: string;
  /** Base URLs of every instance, the browser's first; the provider posts logout tokens to the last. */
  instances: string[];
  apps: NestExpressApplication[];
}

/**
 * The test provider and two sample apps signing in with it. app1 is `localhost`, app2
 * `127.0.0.1` (cookies ignore ports: two apps on one host would share the `sid` cookie). With
 * `instancesPerApp: 2` (Redis) each app runs twice on one store and prefix, and the provider
 * sends logout tokens to the instance the browser does not use.
 */
export class SsoWorld {
  op!: TestProvider;
  signingKey!: Awaited<ReturnType<typeof rsaKey>>;
  readonly apps: SsoApp[] = [];
  private readonly prefixes: string[] = [];

  constructor(
    private readonly store: StoreUnderTest<'memory' | 'redis'>,
    private readonly instancesPerApp: 1 | 2,
  ) {}

  async start(): Promise<void> {
    this.signingKey = await rsaKey('op-key-1');
    const plans = await Promise.all(
      [
        { clientId: 'rp1', host: 'localhost' },
        { clientId: 'rp2', host: '127.0.0.1' },
      ].map(async ({ clientId, host }) => {
        const ports: number[] = [];
        for (let i = 0; i < this.instancesPerApp; i++) ports.push(await freePort());
        return { clientId, clientSecret: `${clientId}-secret-0123456789`, origin: `http://${host}:${ports[0]}`, ports };
      }),
    );
    this.op = new TestProvider(this.signingKey.privateJwk);
    await this.op.start(
      plans.map((plan) => ({
        clientId: plan.clientId,
        clientSecret: plan.clientSecret,
        origin: plan.origin,
        backchannelLogoutUri: `http://127.0.0.1:${plan.ports.at(-1)}${BACKCHANNEL_PATH}`,
      })),
    );
    for (const plan of plans) {
      const prefix = uniquePrefix(`oidc-${plan.clientId}`);
      this.prefixes.push(prefix);
      const app: SsoApp = { clientId: plan.clientId, clientSecret: plan.clientSecret, origin: plan.origin, instances: [], apps: [] };
      for (const port of plan.ports) {
        const config = readSampleConfig({
          PORT: String(port),
          APP_ORIGIN: plan.origin,
          SESSION_SECRET: SSO_SECRET,
          SESSION_STORE: this.store.name,
          REDIS_URL,
          OIDC_ISSUER: this.op.issuer,
          OIDC_CLIENT_ID: plan.clientId,
          OIDC_CLIENT_SECRET: plan.clientSecret,
        });
        const withPrefix = config.store.kind === 'redis' ? { ...config, store: { ...config.store, prefix } } : config;
        const nest = await createSampleApp(withPrefix, { logger: false });
        await nest.listen(port, '127.0.0.1');
        app.apps.push(nest);
        app.instances.push(`http://127.0.0.1:${port}`);
      }
      this.apps.push(app);
    }
  }

  async close(): Promise<void> {
    for (const app of this.apps) {
      for (const nest of app.apps) {
        // The browser keeps connections open to every app; close() would wait for them.
        (nest.getHttpServer() as Server).closeAllConnections();
        await nest.close();
      }
    }
    await this.op?.close();
    if (this.store.name === 'redis' && this.prefixes.length > 0) {
      const redis = await connectTestRedis();
      for (const prefix of this.prefixes) await deleteKeys(redis, prefix);
      await redis.quit();
    }
  }
}

/** GET /api/me on one instance with the browser's cookie and User-Agent (the session is bound to it). */
export async function meStatus(base: string, cookie: string | undefined, userAgent: string): Promise<number> {
  const res = await fetch(`${base}/api/me`, {
    headers: { Accept: 'application/json', 'User-Agent': userAgent, ...(cookie ? { Cookie: cookie } : {}) },
  });
  await res.arrayBuffer();
  return res.status;
}
