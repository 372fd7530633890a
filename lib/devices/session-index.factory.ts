import type { ResolvedSessionOptions } from '../options/resolved-session-options.js';
import { RedisSessionStore } from '../store/redis-session.store.js';
import type { SessionStore } from '../store/session-store.interface.js';
import { MemorySessionIndex } from './memory-session-index.js';
import { RedisSessionIndex } from './redis-session-index.js';
import type { SessionIndex } from './session-index.interface.js';

export interface OwnedIndex {
  /** Undefined when the app opted out with `sessionIndex: false`. */
  index: SessionIndex | undefined;
  /** True when the module built the index and must close it on shutdown. */
  owned: boolean;
}

/**
 * The index lives where the sessions live: in process memory beside the memory store, in the
 * same Redis (client and prefix) beside the Redis store. A custom store brings its own (the
 * option resolver refuses one without), so any other store here is the memory store.
 */
export function createSessionIndex(options: ResolvedSessionOptions, store: SessionStore): OwnedIndex {
  const configured = options.sessionIndex;
  if (configured === false) return { index: undefined, owned: false };
  if (configured !== undefined) return { index: configured, owned: false };
  if (store instanceof RedisSessionStore) return { index: new RedisSessionIndex(store.client, store.prefix), owned: true };
  return { index: new MemorySessionIndex(), owned: true };
}
