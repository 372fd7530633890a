import type { RedisIndexClient } from '../devices/redis-session-index.js';
import type { RedisMfaStateClient } from '../mfa/redis-mfa-state.store.js';
import type { RedisActivityClient } from '../monitoring/redis-security-activity.store.js';
import type { RedisOidcLinkClient } from '../oidc/redis-oidc-link.store.js';
import type { RedisStoreClient } from '../store/redis-connection.js';

type ScriptOptions = { keys: string[]; arguments: string[] };
type SetOptions = { condition?: 'NX'; expiration: { type: 'PX'; value: number } };

/** The commands as the companions call them, whichever node-redis client (plain, Cluster, Sentinel) serves them. */
interface CompanionClient {
  eval(script: string, options: ScriptOptions): Promise<unknown>;
  evalSha(sha1: string, options: ScriptOptions): Promise<unknown>;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: SetOptions): Promise<unknown>;
  del(key: string): Promise<unknown>;
  hGet(key: string, field: string): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
  lRange(key: string, start: number, stop: number): Promise<unknown>;
}

/**
 * What the Redis companions (device index, MFA state, activity log, single sign-on links) issue
 * their commands through: each on the session store's client of the moment, so they share its
 * abort signal per slice of `storeTimeout` (SharedCommandTimeout) instead of paying node-redis's
 * per-command `AbortSignal.timeout()` (a timer and a DOMException per command, about 40 µs of a
 * login's CPU when measured).
 */
export class CompanionCommands implements RedisIndexClient, RedisMfaStateClient, RedisActivityClient, RedisOidcLinkClient {
  constructor(private readonly clientNow: () => RedisStoreClient) {}

  private client(): CompanionClient {
    // The plain, Cluster and Sentinel clients each declare these with their own generics.
    return this.clientNow() as CompanionClient;
  }

  eval(script: string, options: ScriptOptions): Promise<unknown> {
    return this.client().eval(script, options);
  }

  evalSha(sha1: string, options: ScriptOptions): Promise<unknown> {
    return this.client().evalSha(sha1, options);
  }

  get(key: string): Promise<unknown> {
    return this.client().get(key);
  }

  set(key: string, value: string, options: SetOptions): Promise<unknown> {
    return this.client().set(key, value, options);
  }

  del(key: string): Promise<unknown> {
    return this.client().del(key);
  }

  hGet(key: string, field: string): Promise<unknown> {
    return this.client().hGet(key, field);
  }

  hGetAll(key: string): Promise<unknown> {
    return this.client().hGetAll(key);
  }

  lRange(key: string, start: number, stop: number): Promise<unknown> {
    return this.client().lRange(key, start, stop);
  }
}
