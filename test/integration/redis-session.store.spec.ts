import { afterAll, describe, it } from 'vitest';
import { RedisSessionStore } from '../../lib/redis.js';
import { describeSessionStoreConformance } from '../../lib/testing/index.js';
import { REDIS_URL } from '../support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../support/stores.js';

describe.runIf(redisAvailable)('RedisSessionStore conformance', () => {
  const prefix = uniquePrefix('store-conformance');
  afterAll(async () => {
    const client = await connectTestRedis();
    await deleteKeys(client, prefix);
    await client.close();
  });

  describeSessionStoreConformance(
    'RedisSessionStore',
    {
      open: async () => {
        const store = new RedisSessionStore({ url: REDIS_URL, prefix });
        await store.connect();
        return store;
      },
    },
    { describe, it },
  );
});
