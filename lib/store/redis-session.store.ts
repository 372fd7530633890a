import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import { createClient, type RedisClientType } from 'redis';
import { SessionOptionsError } from '../session.options.js';
import { clientSideCacheClientOptions, InvalidationBarrier, type RedisClientSideCacheOptions } from './redis-client-side-cache.js';
import { decodeSessionRecord, encodeSessionRecord } from './session-record.codec.js';
import type { SessionStore, StoredSession, WriteMode } from './session-store.interface.js';

export interface RedisStoreOptions {
  /** A node-redis client the app owns (connected or not). The store never closes it. */
  client?: RedisClientType;
  /** A Redis URL; the store opens the client and closes it on shutdown. */
  url?: string;
  /**
   * Prefix of every key the module writes.
   * @default 'sess:'
   */
  prefix?: string;
  /**
   * Cache session records in this process (RESP3 client-side caching with server-assisted
   * invalidation): hot reads cost no round trip; a logout or revocation on any instance still
   * reaches every instance's next request. For a client the store creates from `url` only; an
   * app-supplied `client` created with `RESP: 3` and `clientSideCache` is used as it is.
   * Off unless given; `{}` turns it on with the defaults. Needs Redis >= 6.
   * @default undefined (off)
   */
  clientSideCache?: RedisClientSideCacheOptions;
}

/**
 * What connect-redis reads and writes through: the compact record form (session-record.codec.ts).
 * connect-redis types it with express-session's SessionData; what passes here is a StoredSession.
 */
const recordSerializer = {
  parse: (text: string) => decodeSessionRecord(text) as unknown as SessionData,
  stringify: (record: SessionData) => encodeSessionRecord(record as unknown as StoredSession),
};

/**
 * Sessions in Redis through node-redis. Reads and deletes go through connect-redis; writes do
 * not use its plain `SET`, which would let a slow request resurrect a session that a
 * concurrent logout destroyed: they are `SET NX` for new sessions and `SET XX` for existing ones.
 */
export class RedisSessionStore implements SessionStore {
  readonly client: RedisClientType;
  readonly prefix: string;
  private readonly connectRedis: RedisStore;
  private readonly ownsClient: boolean;
  /** Present when the client caches: reads then wait for invalidations already received. */
  private readonly freshness: InvalidationBarrier | undefined;

  constructor(options: RedisStoreOptions) {
    if (!options.client && !options.url) {
      throw new Error('RedisSessionStore: pass either a node-redis `client` or a `url`.');
    }
    if (options.client && options.clientSideCache) {
      throw new SessionOptionsError(
        'store.redis.clientSideCache applies to the client the store creates from `url`; create your client with createClient({ RESP: 3, clientSideCache: { maxEntries, ttl } }) instead.',
      );
    }
    this.ownsClient = !options.client;
    this.client = options.client ?? (createClient({
      url: options.url,
      ...(options.clientSideCache ? clientSideCacheClientOptions(options.clientSideCache) : {}),
      // Fail fast instead of queueing commands while Redis is away: callers answer 503.
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
    }) as RedisClientType);
    // node-redis emits 'error' on every failed reconnect; without a listener Node would crash.
    if (this.ownsClient) this.client.on('error', () => undefined);
    this.prefix = options.prefix ?? 'sess:';
    this.connectRedis = new RedisStore({ client: this.client, prefix: this.prefix, serializer: recordSerializer });
    this.freshness = InvalidationBarrier.for(this.client);
  }

  /** Opens the connection if the store owns it and it is not open yet. */
  async connect(): Promise<void> {
    if (this.ownsClient && !this.client.isOpen) await this.client.connect();
  }

  async get(key: string): Promise<StoredSession | null> {
    const read = async () => ((await this.connectRedis.get(key)) as StoredSession | null) ?? null;
    return this.freshness ? this.freshness.read(read) : read();
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const reply = await this.client.set(this.prefix + key, encodeSessionRecord(record), {
      condition: mode === 'create' ? 'NX' : 'XX',
      expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
    });
    return reply === 'OK';
  }

  async destroy(key: string): Promise<void> {
    await this.connectRedis.destroy(key);
    // With client-side caching: Redis writes this DEL's invalidation pushes to the other
    // instances in the same event-loop pass as its reply to us, the reply first. A PING
    // answered afterwards proves that whole pass has been written (and our own push read), so
    // a logout or revocation is never confirmed before every cache has been told.
    if (this.freshness) await this.client.ping();
  }

  async close(): Promise<void> {
    if (this.ownsClient && this.client.isOpen) await this.client.close();
  }
}
