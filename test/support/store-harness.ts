import {
  MemorySessionIndex,
  MemorySessionStore,
  type SessionIndex,
  type SessionStore,
  type StoredSession,
  type WriteMode,
} from '../../lib/index.js';
import { RedisSessionIndex, RedisSessionStore } from '../../lib/redis.js';
import { REDIS_URL } from './redis-url.js';
import { STORES, connectTestRedis, deleteKeys, uniquePrefix } from './stores.js';

/** One store call, as the module made it. */
export interface StoreCall {
  op: 'get' | 'set' | 'destroy';
  key: string;
  mode?: WriteMode;
  ttlMs?: number;
}

/**
 * Passes every call through to a real store and records it: which keys the module wrote, with
 * which TTL, and how many operations a request cost. Assertions read the real store back.
 * Being a custom store, it comes with the session index of the real one (`sessionIndex`).
 */
export class TrackingStore implements SessionStore {
  readonly calls: StoreCall[] = [];
  private readonly keys = new Set<string>();

  constructor(
    readonly inner: SessionStore,
    readonly index: SessionIndex,
  ) {}

  async get(key: string): Promise<StoredSession | null> {
    this.calls.push({ op: 'get', key });
    return this.inner.get(key);
  }

  async set(key: string, record: StoredSession, ttlMs: number, mode: WriteMode): Promise<boolean> {
    this.calls.push({ op: 'set', key, mode, ttlMs });
    this.keys.add(key);
    return this.inner.set(key, record, ttlMs, mode);
  }

  async destroy(key: string): Promise<void> {
    this.calls.push({ op: 'destroy', key });
    return this.inner.destroy(key);
  }

  async close(): Promise<void> {
    // The harness closes the inner store itself (the module never closes a store it was given).
  }

  /** Storage keys of session records (not rotation forwards) that the store still holds. */
  async liveSessionKeys(): Promise<string[]> {
    const live: string[] = [];
    for (const key of this.keys) {
      if (!key.startsWith('rotated:') && (await this.inner.get(key)) !== null) live.push(key);
    }
    return live;
  }

  /** The TTL of the last write to `key`. */
  lastTtl(key: string): number | undefined {
    return this.calls.findLast((call) => call.op === 'set' && call.key === key)?.ttlMs;
  }

  /** The last key written as a session record. */
  lastSessionKey(): string | undefined {
    return this.calls.findLast((call) => call.op === 'set' && !call.key.startsWith('rotated:'))?.key;
  }
}

export interface StoreHarness {
  name: 'memory' | 'redis';
  store: TrackingStore;
  /** Set for Redis: the key prefix of this harness. */
  prefix: string | undefined;
  close(): Promise<void>;
}

/** Opens a fresh store of the given kind behind a {@link TrackingStore}. */
export async function openStore(name: 'memory' | 'redis', label: string): Promise<StoreHarness> {
  if (name === 'memory') {
    const inner = new MemorySessionStore();
    const index = new MemorySessionIndex();
    return {
      name,
      store: new TrackingStore(inner, index),
      prefix: undefined,
      close: async () => {
        await index.close();
        await inner.close();
      },
    };
  }
  const prefix = uniquePrefix(label);
  const inner = new RedisSessionStore({ url: REDIS_URL, prefix });
  await inner.connect();
  return {
    name,
    store: new TrackingStore(inner, new RedisSessionIndex(inner.client, prefix)),
    prefix,
    close: async () => {
      const client = await connectTestRedis();
      await deleteKeys(client, prefix);
      await client.close();
      await inner.close();
    },
  };
}

/** The names of every store an e2e suite runs on (Redis only when it answers). */
export const STORE_NAMES = STORES.map((store) => ({ name: store.name }));
