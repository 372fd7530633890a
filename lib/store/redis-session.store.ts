import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import {
  RedisConnection,
  type RedisConnectionOptions,
  type RedisStoreClient,
  type RedisTopology,
} from './redis-connection.js';
import { decodeSessionRecord, encodeSessionRecord } from './session-record.codec.js';
import type { SessionStore, StoredSession, WriteMode } from './session-store.interface.js';

export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * Prefix of every key the module writes. Keep braces out of it: on a Cluster a `{hash tag}`
   * here would put every session in one slot.
   * @default 'sess:'
   */
  prefix?: string;
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
 * Sessions in Redis through node-redis: one server, a Cluster or a Sentinel-managed master.
 * Reads and deletes go through connect-redis; writes do not use its plain `SET`, which would
 * let a slow request resurrect a session that a concurrent logout destroyed: they are
 * `SET NX` for new sessions and `SET XX` for existing ones. Every operation touches one key,
 * so it is atomic on a Cluster too, and every operation is bounded in time. Records are stored
 * in a compact form (see session-record.codec.ts); read them through {@link get}.
 */
export class RedisSessionStore implements SessionStore {
  readonly client: RedisStoreClient;
  readonly topology: RedisTopology;
  readonly prefix: string;
  /** The bound of each operation (milliseconds). */
  readonly timeoutMs: number;
  private readonly connection: RedisConnection;
  /** connect-redis over the client commands are issued on now (see SharedCommandTimeout). */
  private readonly connectRedis = new WeakMap<RedisStoreClient, RedisStore>();

  /**
   * `timeoutMs` bounds every operation, the module's `storeTimeout` (default 1 s) when it
   * builds the store.
   */
  constructor(options: RedisStoreOptions, timeoutMs?: number) {
    this.connection = new RedisConnection(options, timeoutMs);
    this.timeoutMs = this.connection.timeoutMs;
    this.client = this.connection.client;
    this.topology = this.connection.topology;
    this.prefix = options.prefix ?? 'sess:';
  }

  /** Opens the connection if it is not open yet; an app's client stays the app's to close. */
  async connect(): Promise<void> {
    await this.connection.open();
  }

  /**
   * The client to issue a command on now (see SharedCommandTimeout); the module's Redis
   * companions use it. @internal Not part of the `/redis` entry's API.
   */
  commandClient(): RedisStoreClient {
    return this.connection.commandClient();
  }

  get(key: string): Promise<StoredSession | null> {
    const cache = this.connection.cache;
    return this.connection.runRead((client) => {
      const store = this.connectRedisOn(client);
      const read = async () => ((await store.get(key)) as StoredSession | null) ?? null;
      return cache ? cache.read(read) : read();
    });
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    const reply = await this.connection.run(async (client) => {
      const written = await client.set(this.prefix + key, encodeSessionRecord(record), {
        condition: mode === 'create' ? 'NX' : 'XX',
        expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
      });
      if (written === 'OK') await this.invalidationsSent(client);
      return written;
    }, 'write');
    return reply === 'OK';
  }

  async destroy(key: string): Promise<void> {
    await this.connection.run(async (client) => {
      await this.connectRedisOn(client).destroy(key);
      await this.invalidationsSent(client);
    }, 'delete');
  }

  /**
   * With client-side caching: Redis writes a write's or DEL's invalidation pushes to the other
   * instances in the same event-loop pass as its reply to us, the reply first. A PING answered
   * afterwards proves that whole pass has been written (and our own push read), so a change, a
   * logout or a revocation is never confirmed before every cache has been told.
   */
  private async invalidationsSent(client: RedisStoreClient): Promise<void> {
    if (this.connection.cache) await (client as { ping(): Promise<unknown> }).ping();
  }

  /**
   * connect-redis's store over `client`. The connection hands out a new client object (the same
   * connection, another shared abort signal) every tenth of `storeTimeout`; a connect-redis store,
   * a plain object, is made for each.
   */
  private connectRedisOn(client: RedisStoreClient): RedisStore {
    let store = this.connectRedis.get(client);
    if (!store) {
      store = new RedisStore({ client, prefix: this.prefix, serializer: recordSerializer });
      this.connectRedis.set(client, store);
    }
    return store;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
