import { RedisSessionStore } from '../store/redis-session.store.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { MemoryOidcLinkStore } from './memory-oidc-link.store.js';
import type { OidcLinkStore } from './oidc-link-store.interface.js';
import { RedisOidcLinkStore, type RedisOidcLinkClient } from './redis-oidc-link.store.js';

/**
 * The links live where the sessions live: Redis (same client and prefix, so every instance
 * sees them) beside the Redis store, process memory otherwise. A custom store keeps them in
 * memory: one process only (documented in docs/single-sign-on.md).
 */
export function createOidcLinkStore(store: SessionStore): OidcLinkStore {
  if (store instanceof RedisSessionStore) return new RedisOidcLinkStore(store.client as unknown as RedisOidcLinkClient, store.prefix);
  return new MemoryOidcLinkStore();
}
