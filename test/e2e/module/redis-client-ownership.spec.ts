import type { INestApplication } from '@nestjs/common';
import { createClient, type RedisClientType } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_STORE } from '../../../lib/index.js';
import { RedisSessionStore } from '../../../lib/redis.js';
import { BASIC_ROUTES, createTestApp, testOptions } from '../../apps/test-app/index.js';
import { BrowserClient } from '../../support/http-client.js';
import { REDIS_URL } from '../../support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../support/stores.js';
import { expectLoginRoundTrip } from './round-trip.js';

describe.runIf(redisAvailable)('SessionModule Redis client ownership', () => {
  const prefix = uniquePrefix('ownership');
  const clients: RedisClientType[] = [];
  afterEach(async () => {
    const cleaner = await connectTestRedis();
    await deleteKeys(cleaner, prefix);
    await cleaner.close();
    for (const client of clients.splice(0)) if (client.isOpen) await client.close();
  });

  async function start(redis: { url: string } | { client: RedisClientType }): Promise<INestApplication> {
    return createTestApp({ session: testOptions({ store: { redis: { ...redis, prefix } } }), routes: BASIC_ROUTES });
  }

  it('a client the module opened from a url is closed on app.close()', async () => {
    const app = await start({ url: REDIS_URL });
    const store = app.get<RedisSessionStore>(SESSION_STORE);
    expect(store).toBeInstanceOf(RedisSessionStore);
    expect(store.client.isOpen).toBe(true);
    await expectLoginRoundTrip(new BrowserClient(app), '__Host-sid');
    await app.close();
    expect(store.client.isOpen).toBe(false);
  });

  it('a client the app passed in is used and still open after app.close()', async () => {
    const client = createClient({ url: REDIS_URL }) as RedisClientType;
    clients.push(client);
    await client.connect();
    const app = await start({ client });
    expect(app.get<RedisSessionStore>(SESSION_STORE).client).toBe(client);
    await expectLoginRoundTrip(new BrowserClient(app), '__Host-sid');
    // The session record, beside the user's session index (`<prefix>devices:{u:<id>}:...`).
    const keys = await client.keys(`${prefix}*`);
    expect(keys.filter((key) => !key.startsWith(`${prefix}devices:`))).toHaveLength(1);
    await app.close();
    expect(client.isOpen).toBe(true);
    expect(await client.ping()).toBe('PONG');
  });

  it('a client the app passed in unconnected is connected by the module, and still not closed by it', async () => {
    const client = createClient({ url: REDIS_URL }) as RedisClientType;
    client.on('error', () => undefined);
    clients.push(client);
    const app = await start({ client });
    await expectLoginRoundTrip(new BrowserClient(app), '__Host-sid');
    await app.close();
    expect(client.isOpen).toBe(true);
  });
});
