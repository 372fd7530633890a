import type { RedisClientType } from 'redis';
import { optionValueText } from '../util/option-value-text.js';

/**
 * RESP3 client-side caching of session records (node-redis `clientSideCache`, Redis >= 6).
 * Redis remembers which records each app instance has read (CLIENT TRACKING) and pushes an
 * invalidation to that instance's connection the moment a record is written or deleted by
 * anyone: logout, revocation, rotation, expiry. A hot session's read then costs no round trip.
 */
export interface RedisClientSideCacheOptions {
  /**
   * At most this many records are cached per app instance; the least recently used goes first.
   * @default 10_000
   */
  maxEntries?: number;
  /**
   * A cached record is trusted for at most this long (milliseconds) before it is read again.
   * Invalidations make it stale at once in normal operation; this bounds the damage when one is
   * lost on a connection that died without an error (a half-open TCP connection).
   * @default 30_000
   */
  ttl?: number;
}

export const CLIENT_SIDE_CACHE_DEFAULTS = { maxEntries: 10_000, ttl: 30_000 } as const;

/** Every problem with `store.redis.clientSideCache` (empty when it is usable). */
export function clientSideCacheProblems(options: unknown): string[] {
  if (typeof options !== 'object' || options === null) {
    return ['store.redis.clientSideCache must be an object such as { maxEntries: 10_000 }.'];
  }
  const { maxEntries = CLIENT_SIDE_CACHE_DEFAULTS.maxEntries, ttl = CLIENT_SIDE_CACHE_DEFAULTS.ttl } = options as Record<string, unknown>;
  const problems: string[] = [];
  if (!Number.isInteger(maxEntries) || (maxEntries as number) < 1) {
    problems.push(`store.redis.clientSideCache.maxEntries must be a positive integer, not ${optionValueText(maxEntries)}.`);
  }
  if (!Number.isFinite(ttl) || (ttl as number) < 1_000) {
    problems.push(`store.redis.clientSideCache.ttl must be a number of milliseconds >= 1000, not ${optionValueText(ttl)}.`);
  }
  return problems;
}

/** createClient options for a caching client, from options {@link clientSideCacheProblems} accepted. */
export function clientSideCacheClientOptions(options: RedisClientSideCacheOptions): {
  RESP: 3;
  clientSideCache: { maxEntries: number; ttl: number; evictPolicy: 'LRU' };
} {
  const { maxEntries = CLIENT_SIDE_CACHE_DEFAULTS.maxEntries, ttl = CLIENT_SIDE_CACHE_DEFAULTS.ttl } = options;
  return { RESP: 3, clientSideCache: { maxEntries, ttl: Math.floor(ttl), evictPolicy: 'LRU' } };
}

/**
 * Makes cached reads as fresh as round trips for any request that follows a logout in time.
 *
 * Redis writes an invalidation to a tracking connection while it executes the write, in the
 * same event-loop pass as the writer's reply, so by the time a logout's response has left its
 * app instance the invalidation has been sent to every other instance. But node-redis applies
 * it only when that instance's event loop reads the Redis socket, and a request that arrived in
 * the same I/O batch may be handled first. So a read yields one event-loop turn (every socket
 * that was readable is read in between) and reads again if any invalidation came in meanwhile.
 *
 * The reads of one turn share one yield (a setImmediate): it runs after the I/O callbacks of
 * the current pass, which is all any of them needs. (A read that starts in the check phase,
 * after that pass, needs none: whatever was readable when its request was read has been read
 * too; sharing only makes it wait one turn more.)
 */
export class InvalidationBarrier {
  private invalidations = 0;
  private turn: Promise<void> | undefined;

  private constructor(cache: NonNullable<RedisClientType['clientSideCache']>) {
    cache.on('invalidate', () => {
      this.invalidations++;
    });
  }

  /** A barrier for a client with client-side caching; undefined for one without. */
  static for(client: RedisClientType): InvalidationBarrier | undefined {
    const cache = client.clientSideCache;
    return cache ? new InvalidationBarrier(cache) : undefined;
  }

  read<T>(read: () => Promise<T>): Promise<T> {
    const seen = this.invalidations;
    return read().then((value) => this.nextTurn().then(() => (this.invalidations === seen ? value : read())));
  }

  /** Settles after the I/O callbacks of the current event-loop pass, once for all reads. */
  private nextTurn(): Promise<void> {
    return (this.turn ??= new Promise((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve();
      }),
    ));
  }
}
