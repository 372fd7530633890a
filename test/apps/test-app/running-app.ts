import type { INestApplication } from '@nestjs/common';
import type { RedisClientType } from 'redis';
import { SESSION_STORE, type SessionModuleOptions, type SessionStore } from '../../../lib/index.js';
import { SessionIdHasher } from '../../../lib/store/session-id-hasher.js';
import { BrowserClient } from '../../support/http-client.js';
import { connectTestRedis, deleteKeys, uniquePrefix, type StoreUnderTest } from '../../support/stores.js';
import { sessionIdOf } from '../../support/session-cookie.js';

/**
 * One fixture app on one store, with what a test needs to look behind it: the store the module
 * uses, storage keys of cookie values, and (on Redis) a client on the same keys.
 */
export interface RunningApp {
  app: INestApplication;
  prefix: string;
  /** A connected client on the shared Redis (Redis runs only). */
  redis: RedisClientType | undefined;
  /** The SessionStore instance the module uses. */
  store: SessionStore;
  /** A browser with an empty cookie jar. */
  browser(): BrowserClient;
  /** The storage key (hashed ID) behind a cookie value. */
  storageKey(cookieValue: string): string;
  /** Whether the store holds a record for this cookie value, asked through the store itself. */
  hasRecord(cookieValue: string): Promise<boolean>;
  /** On Redis: whether the raw key (prefix + hashed ID) exists. Undefined on other stores. */
  redisKeyExists(cookieValue: string): Promise<boolean | undefined>;
  close(): Promise<void>;
}

/**
 * Starts `build(storeOptions)` on the store under test, under its own key prefix; close()
 * closes the app and deletes every key the app wrote.
 */
export async function startApp(
  under: StoreUnderTest,
  secrets: string[],
  build: (store: SessionModuleOptions['store']) => Promise<INestApplication>,
): Promise<RunningApp> {
  const prefix = uniquePrefix(under.name);
  const redis = under.name === 'redis' ? await connectTestRedis() : undefined;
  const app = await build(under.options(prefix));
  // Listen once: supertest would otherwise open and close a server socket for every request.
  await app.listen(0, '127.0.0.1');
  const store = app.get<SessionStore>(SESSION_STORE);
  // The module's default idHashSecret: the oldest (last) signing secret.
  const hasher = new SessionIdHasher(secrets[secrets.length - 1]!);
  const storageKey = (cookieValue: string) => hasher.storageKey(sessionIdOf(cookieValue));
  return {
    app,
    prefix,
    redis,
    store,
    browser: () => new BrowserClient(app),
    storageKey,
    hasRecord: async (cookieValue) => (await store.get(storageKey(cookieValue))) !== null,
    redisKeyExists: async (cookieValue) =>
      redis ? (await redis.exists(prefix + storageKey(cookieValue))) === 1 : undefined,
    close: async () => {
      await app.close();
      if (redis) {
        await deleteKeys(redis, prefix);
        await redis.close();
      }
    },
  };
}
