import { RedisStore } from 'connect-redis';
import { createClient, type RedisClientType } from 'redis';
import type { SessionStore, StoredSession, WriteMode } from './session-store.interface.js';

export interface RedisStoreOptions {
  /** A node-redis client the app owns, connected or not (the store connects it if needed). The store never closes it. */
  client?: RedisClientType;
  /** A Redis URL; the store opens the client and closes it on shutdown. */
  url?: string;
  /**
   * Prefix of every key the module writes.
   * @default 'sess:'
   */
  prefix?: string;
}

/** The JSON serializer connect-redis expects, typed for stored records. */
const jsonSerializer = {
  parse: (text: string) => JSON.parse(text),
  stringify: (record: unknown) => JSON.stringify(record),
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

  constructor(options: RedisStoreOptions) {
    if (!options.client && !options.url) {
      throw new Error('RedisSessionStore: pass either a node-redis `client` or a `url`.');
    }
    this.ownsClient = !options.client;
    this.client = options.client ?? (createClient({
      url: options.url,
      // Fail fast instead of queueing commands while Redis is away: callers answer 503.
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
    }) as RedisClientType);
    // node-redis emits 'error' on every failed reconnect; without a listener Node would crash.
    if (this.ownsClient) this.client.on('error', () => undefined);
    this.prefix = options.prefix ?? 'sess:';
    this.connectRedis = new RedisStore({ client: this.client, prefix: this.prefix, serializer: jsonSerializer });
  }

  /** Opens the connection if it is not open yet; an app's client stays the app's to close. */
  async connect(): Promise<void> {
    if (!this.client.isOpen) await this.client.connect();
  }

  async get(key: string): Promise<StoredSession | null> {
    return ((await this.connectRedis.get(key)) as StoredSession | null) ?? null;
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const reply = await this.client.set(this.prefix + key, JSON.stringify(record), {
      condition: mode === 'create' ? 'NX' : 'XX',
      expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
    });
    return reply === 'OK';
  }

  async destroy(key: string): Promise<void> {
    await this.connectRedis.destroy(key);
  }

  async close(): Promise<void> {
    if (this.ownsClient && this.client.isOpen) await this.client.close();
  }
}
