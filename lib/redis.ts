/**
 * The `nest-secure-session/redis` entry: the Redis backends, for apps that build them
 * themselves (`store: { redis: {...} }` in the main entry's options needs none of this).
 */
export { RedisSessionStore, type RedisStoreOptions } from './store/redis-session.store.js';
export type {
  RedisClusterStoreOptions,
  RedisSentinelStoreOptions,
  RedisStoreClient,
  RedisTopology,
} from './store/redis-connection.js';
export type { RedisClientSideCacheOptions } from './store/redis-client-side-cache.js';
export { RedisSessionIndex, type RedisIndexClient } from './devices/redis-session-index.js';
export { RedisMfaStateStore, type RedisMfaStateClient } from './mfa/redis-mfa-state.store.js';
export { SESSION_REDIS } from './session.constants.js';
export type { RedisPlace } from './backend/session-backend.js';
export { RedisSecurityActivityStore, type RedisActivityClient } from './monitoring/redis-security-activity.store.js';
