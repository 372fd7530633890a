import { RedisStore } from 'connect-redis';
import { RedisConnection, type RedisConnectionOptions, type RedisStoreClient, type RedisTopology } from './redis-connection.js';
import type { SessionStore, StoredSession, WriteMode } from './session-store.interface.js';

export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * Prefix of every key the module writes. Keep braces out of it: on a Cluster a `{hash tag}`
   * here would put every session in one slot.
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
 * Sessions in Redis through node-redis: one server, a Cluster or a Sentinel-managed master.
 * Reads and deletes go through connect-redis; writes do not use its plain `SET`, which would
 * let a slow request resurrect a session that a concurrent logout destroyed: they are
 * `SET NX` for new sessions and `SET XX` for existing ones. Every operation touches one key,
 * so it is atomic on a Cluster too, and every operation is bounded in time.
 */
export class RedisSessionStore implements SessionStore {
  readonly client: RedisStoreClient;
  readonly topology: RedisTopology;
  readonly prefix: string;
  private readonly connection: RedisConnection;
  private readonly connectRedis: RedisStore;

  /**
   * `timeoutMs` bounds every operation, the module's `storeTimeout` (default 1 s) when it
   * builds the store.
   */
  constructor(options: RedisStoreOptions, timeoutMs?: number) {
    this.connection = new RedisConnection(options, timeoutMs);
    this.client = this.connection.client;
    this.topology = this.connection.topology;
    this.prefix = options.prefix ?? 'sess:';
    this.connectRedis = new RedisStore({ client: this.client, prefix: this.prefix, serializer: jsonSerializer });
  }

  /** Opens the connection if it is not open yet; an app's client stays the app's to close. */
  async connect(): Promise<void> {
    await this.connection.open();
  }

  async get(key: string): Promise<StoredSession | null> {
    return ((await this.connection.run(() => this.connectRedis.get(key), 'read')) as StoredSession | null) ?? null;
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const reply = await this.connection.run((client) =>
      client.set(this.prefix + key, JSON.stringify(record), {
        condition: mode === 'create' ? 'NX' : 'XX',
        expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
      }),
      'write',
    );
    return reply === 'OK';
  }

  async destroy(key: string): Promise<void> {
    await this.connection.run(() => this.connectRedis.destroy(key), 'delete');
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
