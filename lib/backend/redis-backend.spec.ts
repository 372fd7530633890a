import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDIS_URL } from '../../test/support/redis-url.js';
import { connectTestRedis, deleteKeys, redisAvailable, uniquePrefix } from '../../test/support/stores.js';
import type { RedisStoreClient } from '../store/redis-connection.js';
import { RedisBackend } from './redis-backend.js';

/** The command options node-redis applies to what is issued on `client`. */
const commandOptions = (client: RedisStoreClient) =>
  (client as unknown as { _commandOptions: { timeout?: number; abortSignal?: AbortSignal } })._commandOptions;

describe.runIf(redisAvailable)('RedisBackend companions', () => {
  const prefix = uniquePrefix('backend');
  let backend: RedisBackend;

  beforeAll(async () => {
    backend = new RedisBackend({ url: REDIS_URL, prefix }, 1_000);
    await backend.sessions.connect();
  });

  afterAll(async () => {
    await backend.close();
    const redis = await connectTestRedis();
    await deleteKeys(redis, prefix);
    await redis.close();
  });

  it('issue their commands on the session store’s shared-timeout client, not with a per-command timeout', async () => {
    const handedOut: RedisStoreClient[] = [];
    const commandClient = backend.sessions.commandClient.bind(backend.sessions);
    vi.spyOn(backend.sessions, 'commandClient').mockImplementation(() => {
      const client = commandClient();
      handedOut.push(client);
      return client;
    });
    const now = Date.now();

    // One call into each companion, against the real Redis.
    expect(await backend.sessionIndex().list('alice', now)).toEqual([]);
    expect(await backend.mfaState().consumeTimeStep('alice', 'factor', 1, 60_000)).toBe(true);
    expect(await backend.mfaState().consumeTimeStep('alice', 'factor', 1, 60_000)).toBe(false);
    expect(await backend.securityActivity().list('alice', 10)).toEqual([]);
    expect(await backend.oidcLinks().claimJti('https://op.example', 'jti-1', now + 60_000, now)).toBe(true);

    expect(handedOut.length).toBeGreaterThanOrEqual(5);
    for (const client of handedOut) {
      expect(commandOptions(client).timeout).toBeUndefined();
      expect(commandOptions(client).abortSignal).toBeInstanceOf(AbortSignal);
    }
    // What SESSION_REDIS gives an app keeps node-redis's own per-command timeout.
    expect(commandOptions(backend.redis.client).timeout).toBe(1_000);
  });
});
